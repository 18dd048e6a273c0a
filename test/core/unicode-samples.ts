/** Code points of each class the app refuses and escapes, written out here, not taken from the code under test. */
const range = (from: number, to: number) => Array.from({length: to - from + 1}, (_, i) => from + i);
export const FORBIDDEN_CLASSES: Record<string, number[]> = {
	'C0 controls and DEL': [...range(0x00, 0x1f), 0x7f],
	'C1 controls': range(0x80, 0x9f),
	'bidi controls': [0x061c, 0x200e, 0x200f, ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)],
	'zero-width and other format characters': [0x00ad, 0x180e, ...range(0x200b, 0x200d), ...range(0x2060, 0x2064), 0xfeff, ...range(0xfff9, 0xfffb), 0x110bd, ...range(0x1d173, 0x1d17a)],
	'tags': [0xe0001, ...range(0xe0020, 0xe007f)],
	'variation selectors': [...range(0x180b, 0x180d), 0x180f, ...range(0xfe00, 0xfe0f), ...range(0xe0100, 0xe01ef)],
	'fillers': [0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, 0x034f, 0x17b4, 0x17b5],
	'private use': [...range(0xe000, 0xf8ff), ...range(0xf0000, 0xf00ff), ...range(0xffff0, 0xffffd), ...range(0x100000, 0x1000ff), ...range(0x10fff0, 0x10fffd)],
	'lone surrogates': range(0xd800, 0xdfff),
	'unassigned and noncharacters': [0x0378, 0x0379, ...range(0xfdd0, 0xfdef), 0xfffe, 0xffff, 0x2fffe, 0x10ffff],
	'line and paragraph separators': [0x2028, 0x2029],
};

/** Ordinary text in many scripts, with up to 4 combining marks on a letter. */
export const ORDINARY = [
	'ERP integration',
	'Integração São Paulo',
	'Cafe\u0301 de\u0301ja\u0300', // decomposed accents
	'Tie\u0302\u0301ng Vie\u0323\u0302t', // two marks on one letter
	'Ελληνικά κλειδιά',
	'Ключ для склада',
	'مفتاح المتجر',
	'מפתח חנות',
	'हिन्दी कुंजी',
	'กุญแจร้านค้า',
	'鍵の管理 倉庫系统',
	'열쇠 관리',
	'ｶﾀｶﾅ キー',
	'🔑 keys 🇧🇷 👍🏽',
	'a\u0301\u0302\u0303\u0304', // four marks: the most allowed
];

export const stringOf = (codePoint: number) => (codePoint >= 0xd800 && codePoint <= 0xdfff ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint));
export const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
