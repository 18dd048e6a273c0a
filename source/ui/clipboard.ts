import {execFile} from 'node:child_process';

/** OSC 52 asks the terminal to put text on its clipboard; it travels over SSH. A terminal never confirms it. */
const plain = (text: string) => `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;

/** The same inside tmux's DCS passthrough (ESC doubled), which tmux hands to the outer terminal as it is. */
const passthrough = (text: string) => `\u001bPtmux;${plain(text).replaceAll('\u001b', '\u001b\u001b')}\u001b\\`;

/** What tmux does with a program's clipboard sequence, from its options; null when they could not be read. */
export interface TmuxClipboard {
	/** set-clipboard: only `on` takes a program's OSC 52 (into a buffer and on to the terminal); `external` and `off` drop it. */
	setClipboard: string;
	/** allow-passthrough (off by default since tmux 3.3): whether a DCS passthrough reaches the outer terminal. */
	passthrough: boolean;
}

export interface ClipboardSend {
	/** What to write to the terminal; null when nothing would arrive. */
	sequence: string | null;
	/** What was done, for the person: "sent", never "copied", since no terminal confirms it. */
	message: string;
	sent: boolean;
}

/** Where the clipboard sequence goes: straight to the terminal, or through what tmux lets through. */
export function clipboardSend(text: string, tmux: TmuxClipboard | null | 'outside'): ClipboardSend {
	if (tmux === 'outside') return {sequence: plain(text), sent: true, message: "Sent to the terminal's clipboard (OSC 52); paste to check, terminals never confirm it."};
	if (tmux === null) {
		return {
			sequence: plain(text) + passthrough(text),
			sent: true,
			message: "Sent to the terminal's clipboard, but tmux's options could not be read: tmux may have dropped it.",
		};
	}
	if (tmux.setClipboard === 'on') return {sequence: plain(text), sent: true, message: "Sent to the terminal's clipboard through tmux (also in tmux's paste buffer)."};
	if (tmux.passthrough) return {sequence: passthrough(text), sent: true, message: "Sent to the terminal's clipboard through tmux's passthrough."};
	return {
		sequence: null,
		sent: false,
		message: `Not sent: this tmux drops clipboard sequences (set-clipboard ${tmux.setClipboard}, allow-passthrough off). Run "tmux set -g set-clipboard on", or select it with the mouse.`,
	};
}

/** Asks the tmux this program runs in for the two options that decide what reaches the clipboard. */
export function readTmuxClipboard(env: NodeJS.ProcessEnv = process.env): Promise<TmuxClipboard | null | 'outside'> {
	if (!env.TMUX) return Promise.resolve('outside');
	const target = env.TMUX_PANE ? ['-t', env.TMUX_PANE] : [];
	return new Promise(resolve => {
		// The pane's own view of the options: allow-passthrough may be set per pane.
		execFile('tmux', ['display-message', '-p', ...target, '#{set-clipboard}|#{allow-passthrough}'], {env, timeout: 2000}, (error, stdout) => {
			const [setClipboard, allow] = String(stdout).trim().split('|');
			if (error || !setClipboard) return resolve(null);
			resolve({setClipboard, passthrough: !['', '0', 'off'].includes(allow ?? '')});
		});
	});
}
