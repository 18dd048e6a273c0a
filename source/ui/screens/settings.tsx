import {Box, Text} from 'ink';
import {MANAGE_OPERATORS, type StoreSnapshot} from '../../core/types.js';
import {sanitize} from '../../text/sanitize.js';
import {useTheme} from '../theme.js';

const LABEL_WIDTH = 19;

/** The store's settings, as the service has them. */
export function SettingsView({data}: {data: StoreSnapshot}) {
	const theme = useTheme();
	const rows: Array<[string, string | string[]]> = [
		['Account', data.account],
		['Renewal alert', `${data.settings.renewalAlertMonths} months (orange past it, red 3 months later)`],
		['Reveal new tokens', data.settings.reveal === 'link' ? 'through a single-access link (24 h, usable once)' : 'directly, once, in the dialog'],
		['Share base URL', data.settings.shareBaseUrl],
		['Key prefix', data.settings.keyPrefix],
		['Operators', data.operators.map(o => `${o.login} (${o.roles.join(', ')})`)],
	];
	return (
		<Box flexDirection="column">
			{/* Labels in a column of their own, so a value that wraps (or lists operators) stays under its first line. */}
			{rows.map(([label, value]) => (
				<Box key={label} flexShrink={0}>
					<Box width={LABEL_WIDTH} flexShrink={0}>
						<Text bold color={theme.color('accent')}>
							{label}
						</Text>
					</Box>
					<Box flexDirection="column" flexShrink={1}>
						{(Array.isArray(value) ? value : [value]).map((line, i) => (
							<Text key={i}>{sanitize(line)}</Text>
						))}
					</Box>
				</Box>
			))}
			<Box marginTop={1} flexDirection="column" flexShrink={0}>
				<Text color={theme.color('muted')}>Enter changes them (needs Edit API Keys settings); so does apikeys settings --renewal-alert 3|6 --reveal link|direct --share-base-url URL.</Text>
				<Text color={theme.color('muted')}>Operators and custom roles change with apikeys operators add|remove and apikeys roles add|remove (needs {MANAGE_OPERATORS}).</Text>
			</Box>
		</Box>
	);
}
