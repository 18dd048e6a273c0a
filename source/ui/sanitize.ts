/**
 * The one place untrusted text (names, appKeys, roles, operator names, anything read from a
 * file or typed) becomes printable. C0/C1 controls, DEL, ESC (and so every CSI/OSC sequence),
 * bidi overrides and zero-width characters are shown escaped, never sent to the terminal.
 */
const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e'};

// C0, DEL, C1; bidi marks, embeddings, overrides and isolates; zero-width and invisible
// formatting characters; line/paragraph separators; BOM; interlinear annotations; lone surrogates.
const UNSAFE =
	/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escapeOne = (char: string) => {
	const named = NAMED[char];
	if (named) return named;
	const code = char.charCodeAt(0);
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
};

export function sanitize(text: string): string {
	return text.replace(UNSAFE, escapeOne);
}
