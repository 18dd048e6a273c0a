import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {CLI} from '../helpers.js';

/** Whether tmux can run here; the tmux suites say why they skip when it cannot. */
export const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

/** tmux's names for keys that are not plain text (send-keys without -l). */
export const TMUX_KEY = {
	enter: 'Enter',
	escape: 'Escape',
	tab: 'Tab',
	shiftTab: 'BTab',
	up: 'Up',
	down: 'Down',
	home: 'Home',
	end: 'End',
	pageDown: 'NPage',
	backspace: 'BSpace',
	space: 'Space',
	ctrlC: 'C-c',
	ctrlL: 'C-l',
} as const;

export interface TmuxSession {
	/** The visible pane, one string per row, trailing spaces trimmed (tmux capture-pane -p). */
	screen(): string;
	/** Waits until the pane shows `text` (or matches), polling the pane; returns the screen. */
	waitFor(text: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
	/** Types text literally, as a person would (send-keys -l). */
	type(text: string): void;
	/** Sends named keys (TMUX_KEY values, or tmux key names such as C-u, M-b). */
	press(...keys: string[]): void;
	/** Pastes text as tmux does (paste-buffer -p: bracketed when the program asked for it). */
	paste(text: string): void;
	/** Resizes the window, as a person dragging the terminal (or tmux resize-window) would. */
	resize(columns: number, rows: number): void;
	/** Runs any tmux command against this session's server. */
	tmux(...args: string[]): string;
	/** Whether the program has exited (the pane is dead). */
	exited(): boolean;
	close(): void;
}

/**
 * The built program in a real tmux: its own server socket (no user config), a window of the size
 * given, the pane kept after the program exits so its last screen can be read.
 */
export function startTmux(args: string[], options: {columns: number; rows: number; env?: Record<string, string>; command?: string[]}): TmuxSession {
	const dir = mkdtempSync(join(tmpdir(), 'apikeys-tmux-'));
	const socket = join(dir, 'socket');
	const config = join(dir, 'tmux.conf');
	// escape-time 0: Esc reaches the app at once, as in a tuned tmux; remain-on-exit keeps the last screen.
	writeFileSync(config, 'set -g escape-time 0\nset -g remain-on-exit on\nset -g status off\n');
	const tmux = (...tmuxArgs: string[]) => execFileSync('tmux', ['-S', socket, '-f', config, ...tmuxArgs], {encoding: 'utf8'});
	// A clean environment, as a person's shell would give: the runner's own (CI=true among it) would
	// change how Ink draws (in CI it draws only the last frame).
	const env = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', TERM: 'tmux-256color', APIKEYS_OPERATOR: 'alice', ...options.env};
	const command = options.command ?? [process.execPath, CLI, ...args];
	const quoted = command.map(part => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
	const exports = Object.entries(env)
		.map(([name, value]) => `${name}='${value.replaceAll("'", "'\\''")}'`)
		.join(' ');
	tmux('new-session', '-d', '-s', 'app', '-x', String(options.columns), '-y', String(options.rows), `env -i TMUX="$TMUX" TMUX_PANE="$TMUX_PANE" ${exports} ${quoted}`);

	const screen = () => tmux('capture-pane', '-p', '-t', 'app').replace(/\n$/, '').split('\n').map(line => line.trimEnd()).join('\n');

	async function waitFor(text: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const current = screen();
			const matched = typeof text === 'string' ? current.includes(text) : text instanceof RegExp ? text.test(current) : text(current);
			if (matched) return current;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${current}`);
			await new Promise(resolve => setTimeout(resolve, 25));
		}
	}

	return {
		screen,
		waitFor,
		type: text => void tmux('send-keys', '-t', 'app', '-l', text),
		press: (...keys) => void tmux('send-keys', '-t', 'app', ...keys),
		paste(text) {
			tmux('set-buffer', '-b', 'paste', text);
			tmux('paste-buffer', '-p', '-d', '-b', 'paste', '-t', 'app');
		},
		resize: (columns, rows) => void tmux('resize-window', '-t', 'app', '-x', String(columns), '-y', String(rows)),
		tmux,
		exited: () => tmux('display-message', '-p', '-t', 'app', '#{pane_dead}').trim() === '1',
		close() {
			try {
				tmux('kill-server');
			} catch {
				// Already gone.
			}
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
