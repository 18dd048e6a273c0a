import {Text} from 'ink';
import {useState} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {editLine, insert, isFieldKey, type Line} from '../line-editor.js';
import {useTheme} from '../theme.js';

export interface TextFieldProps {
	value: string;
	onChange(value: string): void;
	onSubmit?(value: string): void;
	focus: boolean;
	placeholder?: string;
}

/**
 * A one-line text field that edits as readline does (line-editor.ts: Ctrl-A/E/U/K/W, Alt-B/F,
 * Alt-Backspace, Home/End, ←/→) and takes a bracketed paste as text. It reads keys through the
 * app's input hook (hooks/use-keys.tsx), so keys typed faster than a frame are all kept; the
 * cursor counts code points, not UTF-16 units. Enter submits; Esc, Tab, ↑/↓ are the dialog's.
 */
export function TextField({value, onChange, onSubmit, focus, placeholder = ''}: TextFieldProps) {
	const theme = useTheme();
	const chars = [...value];
	const [offset, setOffset] = useState(chars.length);
	const cursor = Math.min(offset, chars.length);
	const apply = (next: Line) => {
		setOffset(next.cursor);
		if (next.value !== value) onChange(next.value);
	};

	useKeys(
		(input, key) => {
			if (key.return) return onSubmit?.(value);
			if (isFieldKey(input, key)) apply(editLine({value, cursor}, input, key));
		},
		{isActive: focus, onPaste: text => apply(insert({value, cursor}, text))},
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
