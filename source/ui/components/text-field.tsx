import {Text} from 'ink';
import {useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {useTheme} from '../theme.js';

export interface TextFieldProps {
	value: string;
	onChange(value: string): void;
	onSubmit?(value: string): void;
	focus: boolean;
	placeholder?: string;
}

/**
 * A one-line text field with a cursor (←/→ move it, Backspace deletes before it, a paste arrives
 * as one string). ink-text-input's field, on the app's input hook (hooks/use-keys.tsx), so keys
 * typed faster than a frame are all kept; the cursor counts code points, not UTF-16 units.
 */
export function TextField({value, onChange, onSubmit, focus, placeholder = ''}: TextFieldProps) {
	const theme = useTheme();
	const chars = [...value];
	const [offset, setOffset] = useState(chars.length);
	const cursor = Math.min(offset, chars.length);

	useKeys(
		(input, key) => {
			if (key.upArrow || key.downArrow || key.tab || key.escape || (key.ctrl && input === 'c')) return;
			if (key.return) return onSubmit?.(value);
			if (key.leftArrow) return setOffset(Math.max(0, cursor - 1));
			if (key.rightArrow) return setOffset(Math.min(chars.length, cursor + 1));
			if (key.backspace || key.delete) {
				if (cursor === 0) return;
				setOffset(cursor - 1);
				return onChange([...chars.slice(0, cursor - 1), ...chars.slice(cursor)].join(''));
			}
			if (key.ctrl || key.meta || input.length === 0) return;
			setOffset(cursor + [...input].length);
			onChange([...chars.slice(0, cursor), input, ...chars.slice(cursor)].join(''));
		},
		{isActive: focus},
	);

	if (!focus) return <Text>{value.length > 0 ? value : <Text color={theme.color('muted')}>{placeholder}</Text>}</Text>;
	if (value.length === 0) {
		const [first = ' ', ...rest] = [...placeholder];
		return (
			<Text>
				<Text inverse>{first}</Text>
				<Text color={theme.color('muted')}>{rest.join('')}</Text>
			</Text>
		);
	}
	return (
		<Text>
			{chars.slice(0, cursor).join('')}
			<Text inverse>{chars[cursor] ?? ' '}</Text>
			{chars.slice(cursor + 1).join('')}
		</Text>
	);
}
