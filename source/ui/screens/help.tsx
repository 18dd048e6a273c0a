import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {DialogFrame} from '../components/dialog-frame.js';
import {helpEntries, isCommand} from '../keymap.js';
import {fit} from '../text.js';
import {useTheme} from '../theme.js';

type Line = {kind: 'section'; text: string} | {kind: 'binding'; keys: string; description: string};

/** Every binding, generated from the same keymap as the footer, in as many columns as the height needs. */
export function HelpOverlay({width, height, onClose}: {width: number; height: number; onClose(): void}) {
	const theme = useTheme();
	useKeys((input, key) => {
		if (isCommand('dialog.cancel', input, key) || isCommand('app.help', input, key) || input === 'q' || key.return) onClose();
	});
	const entries = helpEntries();
	const lines: Line[] = [];
	for (const entry of entries) {
		if (lines.length === 0 || !lines.some(l => l.kind === 'section' && l.text === entry.section)) lines.push({kind: 'section', text: entry.section});
		lines.push({kind: 'binding', keys: entry.keys, description: entry.description});
	}
	const keysWidth = entries.reduce((widest, e) => Math.max(widest, e.keys.length), 0);
	const perColumn = Math.max(4, height - 6);
	const columnCount = Math.ceil(lines.length / perColumn);
	const columnWidth = Math.floor((width - 4) / columnCount) - 1;
	const columns = Array.from({length: columnCount}, (_, i) => lines.slice(i * perColumn, (i + 1) * perColumn));
	return (
		<DialogFrame title="Keys" width={width}>
			<Box gap={1}>
				{columns.map((column, c) => (
					<Box key={c} flexDirection="column" width={columnWidth}>
						{column.map((line, i) =>
							line.kind === 'section' ? (
								<Text key={i} bold color={theme.color('accent')}>
									{fit(line.text, columnWidth)}
								</Text>
							) : (
								<Text key={i}>{fit(` ${fit(line.keys, keysWidth)}  ${line.description}`, columnWidth)}</Text>
							),
						)}
					</Box>
				))}
			</Box>
			<Text color={theme.color('muted')}>Esc, ? or Enter closes this help.</Text>
		</DialogFrame>
	);
}
