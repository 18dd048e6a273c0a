import type {Key} from 'ink';
import {cellWidth, truncate} from './text.js';

/** Every command the interface understands; components ask "is this keypress command X?". */
export type Command =
	| 'nav.up'
	| 'nav.down'
	| 'nav.pageUp'
	| 'nav.pageDown'
	| 'nav.home'
	| 'nav.end'
	| 'table.search'
	| 'table.menu'
	| 'table.generate'
	| 'table.openLink'
	| 'table.export'
	| 'external.add'
	| 'settings.edit'
	| 'table.filter'
	| 'table.sort'
	| 'tab.next'
	| 'tab.previous'
	| 'app.help'
	| 'app.quit'
	| 'app.redraw'
	| 'search.keep'
	| 'search.clear'
	| 'dialog.next'
	| 'dialog.previous'
	| 'dialog.toggle'
	| 'dialog.press'
	| 'dialog.cancel'
	| 'reveal.copy';

/** `form`: a dialog with a box or a choice that Space toggles; `dialog`: one with buttons only; `menu`: an action menu, moved in with ↑/↓; `help`: the help, which has neither. */
export type Mode = 'table' | 'external' | 'activity' | 'settings' | 'search' | 'dialog' | 'form' | 'menu' | 'reveal' | 'help';

interface Binding {
	command: Command;
	/** How the keys are written in the footer and the help. */
	keys: string;
	description: string;
	/** Shown in the footer of these modes (the help lists every binding). */
	footer: readonly Mode[];
	matches(input: string, key: Key): boolean;
}

const plain = (key: Key) => !key.ctrl && !key.meta;
const letter = (char: string) => (input: string, key: Key) => plain(key) && input === char;

export const KEYMAP: readonly Binding[] = [
	{command: 'nav.up', keys: '↑/k', description: 'up', footer: ['table', 'external', 'activity', 'menu'], matches: (i, k) => k.upArrow || letter('k')(i, k)},
	{command: 'nav.down', keys: '↓/j', description: 'down', footer: ['table', 'external', 'activity', 'menu'], matches: (i, k) => k.downArrow || letter('j')(i, k)},
	{command: 'nav.pageUp', keys: 'PgUp', description: 'page up', footer: [], matches: (_, k) => k.pageUp},
	{command: 'nav.pageDown', keys: 'PgDn', description: 'page down', footer: [], matches: (_, k) => k.pageDown},
	{command: 'nav.home', keys: 'Home/g', description: 'first row', footer: [], matches: (i, k) => k.home || letter('g')(i, k)},
	{command: 'nav.end', keys: 'End/G', description: 'last row', footer: [], matches: (i, k) => k.end || letter('G')(i, k)},
	{command: 'table.search', keys: '/', description: 'search', footer: ['table', 'external', 'activity'], matches: letter('/')},
	{command: 'table.menu', keys: 'Enter/.', description: 'actions', footer: ['table', 'external'], matches: (i, k) => k.return || letter('.')(i, k)},
	{command: 'table.generate', keys: 'n', description: 'generate', footer: ['table'], matches: letter('n')},
	{command: 'table.openLink', keys: 'o', description: 'open a link', footer: [], matches: letter('o')},
	{command: 'table.export', keys: 'x', description: 'export', footer: ['activity'], matches: letter('x')},
	{command: 'external.add', keys: 'n', description: 'add key', footer: ['external'], matches: letter('n')},
	{command: 'settings.edit', keys: 'Enter', description: 'change settings', footer: ['settings'], matches: (_, k) => k.return},
	{command: 'table.filter', keys: 'f', description: 'filter status', footer: ['table'], matches: letter('f')},
	{command: 'table.sort', keys: 's', description: 'sort', footer: ['table'], matches: letter('s')},
	{command: 'tab.next', keys: 'Tab', description: 'next tab', footer: ['table', 'external', 'activity', 'settings'], matches: (_, k) => k.tab && !k.shift},
	{command: 'tab.previous', keys: 'Shift-Tab', description: 'previous tab', footer: [], matches: (_, k) => k.tab && k.shift},
	{command: 'app.help', keys: '?', description: 'help', footer: ['table', 'external', 'activity', 'settings'], matches: letter('?')},
	{command: 'app.quit', keys: 'q/Ctrl-C', description: 'quit', footer: ['table', 'external', 'activity', 'settings'], matches: (i, k) => letter('q')(i, k) || (k.ctrl && i === 'c')},
	{command: 'app.redraw', keys: 'Ctrl-L', description: 'redraw the screen', footer: [], matches: (i, k) => k.ctrl && i === 'l'},
	{command: 'search.keep', keys: 'Enter', description: 'keep filter', footer: ['search'], matches: (_, k) => k.return},
	{command: 'search.clear', keys: 'Esc', description: 'clear search', footer: ['search'], matches: (_, k) => k.escape},
	{command: 'dialog.next', keys: 'Tab/↓/→', description: 'next field', footer: ['dialog', 'form', 'reveal'], matches: (_, k) => (k.tab && !k.shift) || k.downArrow || k.rightArrow},
	{command: 'dialog.previous', keys: 'Shift-Tab/↑/←', description: 'previous field', footer: [], matches: (_, k) => (k.tab && k.shift) || k.upArrow || k.leftArrow},
	{command: 'dialog.toggle', keys: 'Space', description: 'toggle', footer: ['form'], matches: i => i === ' '},
	{command: 'dialog.press', keys: 'Enter', description: 'choose', footer: ['dialog', 'form', 'menu', 'reveal'], matches: (_, k) => k.return},
	{command: 'dialog.cancel', keys: 'Esc', description: 'cancel', footer: ['dialog', 'form', 'menu', 'reveal', 'help'], matches: (_, k) => k.escape},
	{command: 'reveal.copy', keys: 'c', description: 'copy', footer: ['reveal'], matches: letter('c')},
];

const byCommand = new Map(KEYMAP.map(binding => [binding.command, binding]));

export function isCommand(command: Command, input: string, key: Key): boolean {
	return byCommand.get(command)!.matches(input, key);
}

/** The first command of `candidates` this keypress means, if any. */
export function commandFor(candidates: readonly Command[], input: string, key: Key): Command | undefined {
	return candidates.find(command => isCommand(command, input, key));
}

export function footerHints(mode: Mode): Array<{keys: string; description: string}> {
	return KEYMAP.filter(b => b.footer.includes(mode)).map(({keys, description}) => ({keys, description}));
}

const HINT_GAP = '  ';

/** Which footer hints a narrow terminal keeps longest: lower first; 0 is never dropped; one not here is dropped first. */
const FOOTER_KEEP: Partial<Record<Command, number>> = {
	'app.help': 0,
	'app.quit': 0,
	'search.clear': 0,
	'dialog.cancel': 0,
	'table.menu': 1,
	'settings.edit': 1,
	'search.keep': 1,
	'dialog.press': 1,
	'reveal.copy': 1,
	'table.search': 2,
	'table.export': 2,
	// In a form Space is what a newcomer cannot guess; Tab is.
	'dialog.toggle': 2,
	'table.generate': 3,
	'external.add': 3,
	'tab.next': 3,
	'dialog.next': 3,
	'table.filter': 4,
	'table.sort': 4,
	'nav.up': 6,
	'nav.down': 6,
};

/**
 * The footer of `mode` in at most `columns` cells: hints are dropped whole, those with the highest
 * in FOOTER_KEEP first, until the rest fit (help and quit are never dropped); a hint that still does not fit is cut with ….
 */
export function footerLine(mode: Mode, columns: number): string {
	const shown = KEYMAP.filter(b => b.footer.includes(mode));
	const line = () => shown.map(b => `${b.keys} ${b.description}`).join(HINT_GAP);
	const keep = (binding: Binding) => FOOTER_KEEP[binding.command] ?? Infinity;
	const droppable = shown.filter(b => keep(b) !== 0).sort((a, b) => keep(b) - keep(a));
	for (const binding of droppable) {
		if (cellWidth(line()) <= columns) break;
		shown.splice(shown.indexOf(binding), 1);
	}
	return truncate(line(), columns);
}

export const HELP_SECTIONS: ReadonlyArray<{title: string; prefix: string}> = [
	{title: 'Table', prefix: 'nav.'},
	{title: 'Table', prefix: 'table.'},
	{title: 'Other tabs', prefix: 'external.'},
	{title: 'Other tabs', prefix: 'settings.'},
	{title: 'Tabs and app', prefix: 'tab.'},
	{title: 'Tabs and app', prefix: 'app.'},
	{title: 'Search', prefix: 'search.'},
	{title: 'Dialogs', prefix: 'dialog.'},
	{title: 'Dialogs', prefix: 'reveal.'},
];

export function helpEntries(): Array<{section: string; keys: string; description: string}> {
	return HELP_SECTIONS.flatMap(({title, prefix}) =>
		KEYMAP.filter(b => b.command.startsWith(prefix)).map(b => ({section: title, keys: b.keys, description: b.description})),
	);
}
