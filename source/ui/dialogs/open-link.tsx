import {Box, Text} from 'ink';
import {useState} from 'react';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {isCommand} from '../keymap.js';
import {useGap, useTheme} from '../theme.js';
import {TextField} from '../components/text-field.js';
import {useKeys} from '../hooks/use-keys.js';

const FIELDS = ['link', 'cancel', 'open'] as const;

/** Paste a single-access link to reveal its token here, once. */
export function OpenLinkDialog({width, busy, error, onOpen, onCancel}: {width: number; busy: boolean; error: string | null; onOpen(link: string): void; onCancel(): void}) {
	const theme = useTheme();
	const gap = useGap();
	const [link, setLink] = useState('');
	const focus = useFocusRing(FIELDS, 'link');
	const open = () => {
		if (link.trim()) onOpen(link.trim());
	};
	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (key.tab) return key.shift ? focus.previous() : focus.next();
			if (focus.field === 'link') {
				if (key.downArrow) focus.next();
				return;
			}
			if (key.leftArrow || key.upArrow) return focus.previous();
			if (key.rightArrow || key.downArrow) return focus.next();
			if (key.return) return focus.field === 'cancel' ? onCancel() : open();
		},
		{isActive: !busy},
	);
	return (
		<DialogFrame title="Open a single-access link" width={width} error={error}>
			<Text>Paste the link (or the part after /credentials/). Its token is shown here once and the link is used up.</Text>
			<Box marginTop={gap}>
				<Text color={theme.color('accent')}>› </Text>
				<TextField value={link} onChange={setLink} onSubmit={open} focus={focus.field === 'link' && !busy} placeholder="http://…/credentials/…" />
			</Box>
			<Buttons
				buttons={[{label: 'Cancel'}, {label: busy ? 'Opening…' : 'Open', disabled: busy || !link.trim()}]}
				focused={focus.field === 'cancel' ? 0 : focus.field === 'open' ? 1 : null}
			/>
		</DialogFrame>
	);
}
