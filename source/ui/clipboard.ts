/**
 * OSC 52 asks the terminal to put text on the clipboard; it travels over SSH. Inside tmux the
 * sequence is wrapped in a DCS passthrough (ESC doubled) so tmux hands it to the outer terminal.
 */
export function osc52(text: string, env: NodeJS.ProcessEnv = process.env): string {
	const sequence = `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
	if (env.TMUX) return `\u001bPtmux;${sequence.replaceAll('\u001b', '\u001b\u001b')}\u001b\\`;
	return sequence;
}
