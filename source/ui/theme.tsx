import {createContext, useContext, type ReactNode} from 'react';

/** Named colours; with colour off every one is undefined and only attributes (bold, inverse) remain. */
const PALETTE = {
	accent: 'cyan',
	orange: '#ff8700',
	/** Due soon: a warning before the alert, apart from orange and red. */
	dueSoon: 'yellow',
	red: 'red',
	active: 'green',
	inactive: 'gray',
	muted: 'gray',
	match: 'yellow',
	success: 'green',
	error: 'red',
	border: 'gray',
} as const;

export type ColorName = keyof typeof PALETTE;

export interface Theme {
	colour: boolean;
	color(name: ColorName): string | undefined;
}

const makeTheme = (colour: boolean): Theme => ({colour, color: name => (colour ? PALETTE[name] : undefined)});
/** One object per choice, so what is built from a theme can be kept while it stays the same. */
const COLOUR = makeTheme(true);
const PLAIN = makeTheme(false);

const ThemeContext = createContext<Theme>(COLOUR);

export function ThemeProvider({colour, children}: {colour: boolean; children: ReactNode}) {
	return <ThemeContext.Provider value={colour ? COLOUR : PLAIN}>{children}</ThemeContext.Provider>;
}

export const useTheme = () => useContext(ThemeContext);

/** Short terminals get dialogs without blank spacer lines. */
const CompactContext = createContext(false);
export const CompactProvider = CompactContext.Provider;
export const useCompact = () => useContext(CompactContext);
/** The gap above a block: one line, none on a short terminal. */
export const useGap = () => (useContext(CompactContext) ? 0 : 1);

