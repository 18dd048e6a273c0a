import {Box, Text} from 'ink';
import {useState} from 'react';
import {Buttons} from '../components/buttons.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {TextField} from '../components/text-field.js';
import {useFocusRing} from '../hooks/use-focus-ring.js';
import {useKeys} from '../hooks/use-keys.js';
import {isCommand} from '../keymap.js';
import {useGap, useTheme} from '../theme.js';

export interface ExportProgress {
	done: number;
	total: number;
	phase: string;
}

const FIELDS = ['file', 'cancel', 'export'] as const;

/** Export: a file name (its ending picks XLSX, CSV or JSON), progress while writing, and where it went. */
export function ExportDialog({
	defaultFile,
	width,
	busy,
	error,
	progress,
	written,
	onExport,
	onClose,
}: {
	defaultFile: string;
	width: number;
	busy: boolean;
	error: string | null;
	progress: ExportProgress | null;
	written: string[] | null;
	onExport(file: string): void;
	onClose(): void;
}) {
	const theme = useTheme();
	const gap = useGap();
	const [file, setFile] = useState(defaultFile);
	const focus = useFocusRing(FIELDS, 'file');
	const valid = /\.(xlsx|csv|json)$/i.test(file.trim());
	useKeys(
		(input, key) => {
			if (written) {
				if (key.return || isCommand('dialog.cancel', input, key)) onClose();
				return;
			}
			if (isCommand('dialog.cancel', input, key)) return onClose();
			if (key.tab) return key.shift ? focus.previous() : focus.next();
			if (focus.field === 'file') {
				if (key.return && valid) onExport(file.trim());
				else if (key.downArrow) focus.next();
				return;
			}
			if (key.leftArrow || key.upArrow) return focus.previous();
			if (key.rightArrow || key.downArrow) return focus.next();
			if (key.return) return focus.field === 'cancel' ? onClose() : valid ? onExport(file.trim()) : undefined;
		},
		{isActive: !busy},
	);
	if (written) {
		return (
			<DialogFrame title="Export done" width={width}>
				{written.map(path => (
					<Text key={path} color={theme.color('success')}>
						✓ {path}
					</Text>
				))}
				<Text color={theme.color('muted')}>No token, digest or link is in an export. Enter closes.</Text>
			</DialogFrame>
		);
	}
	return (
		<DialogFrame title="Export keys" width={width} error={error}>
			<Text>File (.xlsx: sheets Generated and External; .csv: two files; .json)</Text>
			<Box>
				<Text color={theme.color('accent')}>› </Text>
				<TextField value={file} onChange={setFile} focus={focus.field === 'file' && !busy && !written} />
			</Box>
			{!valid ? <Text color={theme.color('error')}>✗ the name must end in .xlsx, .csv or .json</Text> : null}
			{progress ? (
				<Box marginTop={gap}>
					<ProgressLine progress={progress} failed={error !== null} />
				</Box>
			) : null}
			<Buttons buttons={[{label: 'Cancel'}, {label: busy ? 'Exporting…' : 'Export', disabled: busy || !valid}]} focused={focus.field === 'cancel' ? 0 : focus.field === 'export' ? 1 : null} />
		</DialogFrame>
	);
}

/** How far the export got; when it failed, the line says so in the error colour, where it stopped. */
function ProgressLine({progress, failed}: {progress: ExportProgress; failed: boolean}) {
	const theme = useTheme();
	const phase = progress.phase === 'rows' ? `rows: ${progress.done} of ${progress.total}` : progress.phase;
	const label = failed ? `✗ Failed while ${progress.phase === 'rows' ? `writing ${phase}` : phase}` : progress.phase === 'rows' ? `Writing ${phase}` : `${phase[0]!.toUpperCase()}${phase.slice(1)}…`;
	return (
		<Text color={failed ? theme.color('error') : undefined} bold={failed}>
			{label} <Text color={theme.color(failed ? 'error' : 'accent')}>{bar(progress.total === 0 ? 1 : progress.done / progress.total, 20)}</Text>
		</Text>
	);
}

const bar = (fraction: number, width: number) => {
	const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
	return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
};
