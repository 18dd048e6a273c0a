import {Box, Text} from 'ink';
import {useGap, useTheme} from '../theme.js';

export interface ButtonSpec {
	label: string;
	disabled?: boolean;
	destructive?: boolean;
}

/** A row of buttons; the focused one is shown as [ Label ] in inverse so it reads without colour. */
export function Buttons({buttons, focused}: {buttons: readonly ButtonSpec[]; focused: number | null}) {
	const theme = useTheme();
	const gap = useGap();
	return (
		<Box marginTop={gap} gap={2}>
			{buttons.map((button, i) => {
				const isFocused = focused === i;
				const color = button.disabled ? theme.color('muted') : button.destructive ? theme.color('red') : theme.color('accent');
				return (
					<Text key={button.label} inverse={isFocused && !button.disabled} color={color} dimColor={button.disabled} bold={isFocused}>
						{isFocused ? `[ ${button.label} ]` : `  ${button.label}  `}
					</Text>
				);
			})}
		</Box>
	);
}

export function Checkbox({label, checked, focused}: {label: string; checked: boolean; focused: boolean}) {
	const theme = useTheme();
	return (
		<Text inverse={focused} bold={focused} color={focused ? undefined : theme.color('accent')}>
			{checked ? '[x]' : '[ ]'} <Text>{label}</Text>
		</Text>
	);
}
