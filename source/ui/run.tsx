import {render} from 'ink';
import {useState} from 'react';
import {usage} from '../core/errors.js';
import {createDemoStore} from '../demo.js';
import {ApiKeysService, type ServiceOptions} from '../service.js';
import {App} from './app.js';
import {FirstRun} from './first-run.js';
import {keyAtATime} from './key-stream.js';
import {ThemeProvider} from './theme.js';

const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';
const SHOW_CURSOR = '\u001b[?25h';
// Bracketed paste: the terminal marks a paste, so its text goes into a field instead of running as keys.
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';

export interface TuiOptions {
	storePath: string;
	/** The operator, and why the app's export may not write files here (a shared deployment), if it may not. */
	serviceOptions: ServiceOptions;
	/** The store at storePath, already being opened (a database store is, while the app loads). */
	opening?: Promise<ApiKeysService>;
	demo: boolean;
	colour: boolean;
}

function Root({initial, path, options, onLoaded}: {initial: ApiKeysService | null; path: string; options: ServiceOptions; onLoaded: () => void}) {
	const [service, setService] = useState(initial);
	return service ? <App service={service} onLoaded={onLoaded} /> : <FirstRun path={path} options={options} onCreated={setService} />;
}

/** Rows of keys read before the first frame of a large store: more than any terminal shows. */
const PREVIEW_ROWS = 200;

/**
 * The full-screen app, in the alternate screen with bracketed paste on, both undone again on every
 * exit path: q, Ctrl-C, SIGTERM/SIGHUP, and an uncaught error.
 */
export async function runTui(options: TuiOptions): Promise<number> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		throw usage('the interactive interface needs a terminal; in scripts use a subcommand (see apikeys --help)');
	}
	// Raw at once, before anything is drawn: keys typed as soon as the first frame shows would else be
	// echoed by the terminal and held as a line (their Enter a line feed) until Ink switched modes.
	process.stdin.setRawMode(true);
	const {serviceOptions} = options;
	const demo = options.demo ? await createDemoStore(serviceOptions.operator) : null;
	const path = demo?.path ?? options.storePath;
	// Open before taking over the screen, so a damaged store is reported as one plain line.
	// A large store draws its first frame from its newest keys; the rest is read right after.
	const service = await (options.opening ?? ApiKeysService.openIfPresent(path, {...serviceOptions, preview: PREVIEW_ROWS}));
	const keys = keyAtATime(process.stdin);
	// Keys typed before the whole store is read wait for it, so nothing acts on part of the data.
	if (service?.previewNow()) keys.hold();

	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		process.stdin.setRawMode(false);
		process.stdout.write(PASTE_OFF + SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
		demo?.remove();
	};
	process.stdout.write(ENTER_ALTERNATE_SCREEN + PASTE_ON);
	process.on('exit', restore);
	// Leave the alternate screen before the one-line error report, or the report would vanish with it.
	process.prependListener('uncaughtException', restore);
	process.prependListener('unhandledRejection', restore);
	// Incremental: a frame writes only the lines that changed (source/ui/ink/log-update.ts).
	const instance = render(
		<ThemeProvider colour={options.colour}>
			<Root initial={service} path={path} options={serviceOptions} onLoaded={keys.release} />
		</ThemeProvider>,
		{stdin: keys, exitOnCtrlC: false, patchConsole: true, maxFps: 1000, incrementalRendering: true},
	);
	const stop = (signal: NodeJS.Signals) => {
		instance.unmount();
		restore();
		process.exit(signal === 'SIGTERM' ? 143 : 129);
	};
	process.once('SIGTERM', stop);
	process.once('SIGHUP', stop);
	try {
		await instance.waitUntilExit();
	} finally {
		restore();
		await service?.close();
	}
	return 0;
}
