import {Box, Text} from 'ink';
import {formatDate, formatTime} from '../../core/time.js';
import {MANAGE_OPERATORS, type StoreSnapshot} from '../../core/types.js';
import {sanitize} from '../../text/sanitize.js';
import {fit, truncate} from '../text.js';
import {useTheme} from '../theme.js';

/** The store's settings, as the service has them. */
export function SettingsView({data}: {data: StoreSnapshot}) {
	const theme = useTheme();
	const rows: Array<[string, string]> = [
		['Account', data.account],
		['Renewal alert', `${data.settings.renewalAlertMonths} months (orange past it, red 3 months later)`],
		['Reveal new tokens', data.settings.reveal === 'link' ? 'through a single-access link (24 h, usable once)' : 'directly, once, in the dialog'],
		['Share base URL', data.settings.shareBaseUrl],
		['Key prefix', data.settings.keyPrefix],
		['Operators', data.operators.map(o => `${o.login} (${o.roles.join(', ')})`).join('; ')],
	];
	return (
		<Box flexDirection="column">
			{rows.map(([label, value]) => (
				<Text key={label}>
					<Text bold color={theme.color('accent')}>
						{fit(label, 18)}
					</Text>
					{sanitize(value)}
				</Text>
			))}
			<Box marginTop={1} flexDirection="column">
				<Text color={theme.color('muted')}>Enter changes them (needs Edit API Keys settings); so does apikeys settings --renewal-alert 3|6 --reveal link|direct --share-base-url URL.</Text>
				<Text color={theme.color('muted')}>Operators and custom roles change with apikeys operators add|remove and apikeys roles add|remove (needs {MANAGE_OPERATORS}).</Text>
			</Box>
		</Box>
	);
}
