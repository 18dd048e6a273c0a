import {Box, Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {truncate} from '../text.js';
import {useTheme} from '../theme.js';

export interface MultiSelectState {
	cursor: number;
	selected: ReadonlySet<string>;
}

/** Moves the cursor or toggles the option under it; pure, so dialogs and tests share it. */
export function multiSelectReducer(
	state: MultiSelectState,
	options: readonly string[],
	action: 'up' | 'down' | 'toggle',
): MultiSelectState {
	if (options.length === 0) return state;
	if (action === 'up') return {...state, cursor: Math.max(0, state.cursor - 1)};
	if (action === 'down') return {...state, cursor: Math.min(options.length - 1, state.cursor + 1)};
	const option = options[state.cursor]!;
	const selected = new Set(state.selected);
	if (selected.has(option)) selected.delete(option);
	else selected.add(option);
	return {...state, selected};
}

/** A windowed list of checkboxes (the roles picker). */
export function MultiSelect({
	label,
	options,
	state,
	focused,
	height,
	width,
}: {
	label: string;
	options: readonly {value: string; hint?: string}[];
	state: MultiSelectState;
	focused: boolean;
	height: number;
	width: number;
}) {
	const theme = useTheme();
	const top = Math.max(0, Math.min(state.cursor - Math.floor(height / 2), options.length - height));
	const visible = options.slice(top, top + height);
	return (
		<Box flexDirection="column">
			<Text bold={focused}>
				{label} <Text color={theme.color('muted')}>({state.selected.size} selected{focused ? '; Space toggles, ↑↓ move' : ''})</Text>
			</Text>
			{visible.map((option, i) => {
				const index = top + i;
				const underCursor = focused && index === state.cursor;
				const text = `${state.selected.has(option.value) ? '[x]' : '[ ]'} ${sanitize(option.value)}${option.hint ? ` — ${option.hint}` : ''}`;
				return (
					<Text key={option.value} inverse={underCursor} color={underCursor ? undefined : state.selected.has(option.value) ? theme.color('accent') : undefined}>
						{underCursor ? '›' : ' '}
						{truncate(text, width - 1)}
					</Text>
				);
			})}
			{options.length > height ? (
				<Text color={theme.color('muted')}>
					{'  '}
					{top + 1}–{Math.min(options.length, top + height)} of {options.length}
				</Text>
			) : null}
		</Box>
	);
}
