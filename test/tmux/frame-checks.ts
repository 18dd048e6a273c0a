import stringWidth from 'string-width';

/** What a screen of the Generated tab must show at a size: read off the tmux pane, one string per row. */
export interface FrameExpectation {
	columns: number;
	rows: number;
	/** What the footer (the last line drawn) holds in the mode on screen. */
	footer: RegExp;
	/** The box in the body: the key table, or the help overlay. */
	box: 'table' | 'help';
}

const TITLE = /^apikeys · account \S+ · operator \S+ · /;
const TABS = ' Generated  External  Activity  Settings';
const BOXES = {
	table: {top: /^┌[─┬]+┐$/, bottom: /^└[─┴]+┘$/, row: /^[│├▶].*[│┤◀]$/},
	help: {top: /^ *╭─ .*─╮$/, bottom: /^ *╰─+╯$/, row: /^ *│.*│$/},
};

/**
 * Everything wrong with a screen, as sentences (none when it is whole): the title on the first row
 * and the tabs on the second, exactly one footer and on the last row the frame has, a box whose
 * borders are intact and whose rows all end on its right border, and no row wider than the window.
 */
export function frameProblems(screen: string, expected: FrameExpectation): string[] {
	const lines = screen.split('\n');
	const problems: string[] = [];
	if (!TITLE.test(lines[0] ?? '')) problems.push('the title is not on the first row');
	if (lines[1] !== TABS) problems.push('the tabs are not on the second row');
	const footers = lines.filter(line => expected.footer.test(line));
	if (footers.length !== 1) problems.push(`${footers.length} footers`);
	// The frame is one row shorter than the window (Ink keeps the last row free).
	if (!expected.footer.test(lines[expected.rows - 2] ?? '')) problems.push(`the footer is not on row ${expected.rows - 1}`);
	const wide = lines.filter(line => stringWidth(line) > expected.columns);
	if (wide.length > 0) problems.push(`${wide.length} rows wider than ${expected.columns}`);
	const box = BOXES[expected.box];
	const tops = lines.flatMap((line, i) => (box.top.test(line) ? [i] : []));
	const bottoms = lines.flatMap((line, i) => (box.bottom.test(line) ? [i] : []));
	if (tops.length !== 1 || bottoms.length !== 1) return [...problems, `${tops.length} top and ${bottoms.length} bottom borders of the ${expected.box}`];
	const [top, bottom] = [tops[0]!, bottoms[0]!];
	const width = stringWidth(lines[top]!);
	if (stringWidth(lines[bottom]!) !== width) problems.push('the top and bottom borders differ in width');
	if (expected.box === 'table' && width < expected.columns - 2) problems.push(`the table is ${width} wide in ${expected.columns} columns`);
	const broken = lines.slice(top + 1, bottom).filter(line => !box.row.test(line) || stringWidth(line) !== width);
	if (broken.length > 0) problems.push(`${broken.length} rows off the ${expected.box}'s borders, first: ${JSON.stringify(broken[0])}`);
	return problems;
}

/** The footer of the tabs (it always keeps help and quit). */
export const TAB_FOOTER = /\? help {2}q\/Ctrl-C quit$/;
/** The footer while a dialog is open. */
export const DIALOG_FOOTER = /Esc cancel$/m;
