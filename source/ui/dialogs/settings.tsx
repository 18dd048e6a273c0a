import {Box, Text} from 'ink';
import {useState} from 'react';
import {validateShareBaseUrl} from '../../core/settings.js';
import type {RenewalPeriod, RevealMode, Settings} from '../../core/types.js';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {isCommand} from '../keymap.js';
import {useGap, useTheme} from '../theme.js';
import {TextField} from '../components/text-field.js';
import {useKeys} from '../hooks/use-keys.js';

const FIELDS = ['period', 'reveal', 'url', 'cancel', 'apply'] as const;

const urlProblem = (url: string) => {
	try {
		validateShareBaseUrl(url);
		return null;
	} catch (error) {
		return (error as Error).message;
	}
};

/** Settings: the renewal-alert period, how new tokens are revealed, and the links' base URL; Apply. */
export function SettingsDialog({current, width, busy, error, onApply, onCancel}: {current: Settings; width: number; busy: boolean; error: string | null; onApply(settings: Pick<Settings, 'renewalAlertMonths' | 'reveal' | 'shareBaseUrl'>): void; onCancel(): void}) {
	const theme = useTheme();
	const gap = useGap();
	const [period, setPeriod] = useState<RenewalPeriod>(current.renewalAlertMonths);
	const [reveal, setReveal] = useState<RevealMode>(current.reveal);
	const [url, setUrl] = useState(current.shareBaseUrl);
	const focus = useFocusRing(FIELDS, 'period');
	// After a conflict `current` is the settings as they are now: what the person changed stays theirs.
	const [basis, setBasis] = useState(current);
	if (basis !== current) {
		setBasis(current);
		if (period === basis.renewalAlertMonths) setPeriod(current.renewalAlertMonths);
		if (reveal === basis.reveal) setReveal(current.reveal);
		if (url === basis.shareBaseUrl) setUrl(current.shareBaseUrl);
	}
	const problem = urlProblem(url);
	const apply = () => (problem ? focus.focus('url') : onApply({renewalAlertMonths: period, reveal, shareBaseUrl: url}));
	useKeys(
		(input, key) => {
			if (isCommand('dialog.cancel', input, key)) return onCancel();
			if (key.tab || (focus.field !== 'url' && (key.downArrow || key.upArrow))) return key.shift || key.upArrow ? focus.previous() : focus.next();
			if (focus.field === 'period' && (key.leftArrow || key.rightArrow || input === ' ')) return setPeriod(p => (p === 3 ? 6 : 3));
			if (focus.field === 'reveal' && (key.leftArrow || key.rightArrow || input === ' ')) return setReveal(r => (r === 'link' ? 'direct' : 'link'));
			if (focus.field === 'url') {
				if (key.return || key.downArrow) focus.next();
				if (key.upArrow) focus.previous();
				return;
			}
			if (focus.field === 'cancel' || focus.field === 'apply') {
				if (key.leftArrow) return focus.previous();
				if (key.rightArrow) return focus.next();
			}
			if (key.return) return focus.field === 'cancel' ? onCancel() : focus.field === 'apply' ? apply() : focus.next();
		},
		{isActive: !busy},
	);
	const choice = <T,>(field: (typeof FIELDS)[number], value: T, selected: T, label: string) => (
		<Text inverse={focus.field === field && value === selected} bold={value === selected}>
			{value === selected ? '(•)' : '( )'} {label}
		</Text>
	);
	return (
		<DialogFrame title="Settings" width={width} error={error}>
			<Text bold={focus.field === 'period'}>Renewal alert: recommend renewing tokens older than</Text>
			<Box gap={3}>
				{choice('period', 3, period, '3 months')}
				{choice('period', 6, period, '6 months')}
			</Box>
			<Box marginTop={gap} flexDirection="column">
				<Text bold={focus.field === 'reveal'}>Reveal new tokens</Text>
				<Box gap={3}>
					{choice('reveal', 'link', reveal, 'through a single-access link')}
					{choice('reveal', 'direct', reveal, 'directly in the dialog')}
				</Box>
			</Box>
			<Box marginTop={gap} flexDirection="column">
				<Text bold={focus.field === 'url'}>Share base URL (where links point)</Text>
				<Box>
					<Text color={theme.color('accent')}>› </Text>
					<TextField value={url} onChange={setUrl} focus={focus.field === 'url' && !busy} />
				</Box>
				{problem ? <Text color={theme.color('error')}>✗ {problem}</Text> : null}
			</Box>
			<Buttons buttons={[{label: 'Cancel'}, {label: busy ? 'Applying…' : 'Apply', disabled: Boolean(problem) || busy}]} focused={focus.field === 'cancel' ? 0 : focus.field === 'apply' ? 1 : null} />
		</DialogFrame>
	);
}
