import {Box, Text, useApp} from 'ink';
import {useState} from 'react';
import {isApiKeysError} from '../core/errors.js';
import {validateAccount} from '../core/appkey.js';
import {ApiKeysService, type ServiceOptions} from '../service.js';
import {sanitize} from '../text/sanitize.js';
import {TextField} from './components/text-field.js';
import {KeysProvider, useKeys} from './hooks/use-keys.js';
import {useTheme} from './theme.js';

interface FirstRunProps {
	path: string;
	options: ServiceOptions;
	onCreated(service: ApiKeysService): void;
}

/** No store at the path yet: ask for the account name and create it. */
export function FirstRun(props: FirstRunProps) {
	return (
		<KeysProvider>
			<AccountForm {...props} />
		</KeysProvider>
	);
}

function AccountForm({path, options, onCreated}: FirstRunProps) {
	const {operator} = options;
	const theme = useTheme();
	const {exit} = useApp();
	const [account, setAccount] = useState('');
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	useKeys((input, key) => {
		if (key.escape || (key.ctrl && input === 'c')) exit();
	});
	const submit = async () => {
		try {
			validateAccount(account.trim());
		} catch (e) {
			return setError((e as Error).message);
		}
		setBusy(true);
		try {
			onCreated(await ApiKeysService.init(path, account.trim(), options));
		} catch (e) {
			setBusy(false);
			setError(isApiKeysError(e) ? e.message : `unexpected error: ${(e as Error).message}`);
		}
	};
	return (
		<Box flexDirection="column" padding={1}>
			<Text bold color={theme.color('accent')}>
				Welcome to apikeys
			</Text>
			<Text>There is no store at {sanitize(path)} yet. It will be created with mode 0600, and you ({sanitize(operator)}) will be its Owner.</Text>
			<Box marginTop={1}>
				<Text bold>Account name: </Text>
				<TextField value={account} onChange={value => (setError(null), setAccount(value))} onSubmit={() => void submit()} focus={!busy} placeholder="e.g. acme" />
			</Box>
			<Text color={error ? theme.color('error') : theme.color('muted')}>
				{error ? `✗ ${sanitize(error)}` : 'Lowercase letters, digits and hyphens. Enter creates the store; Esc quits.'}
			</Text>
		</Box>
	);
}
