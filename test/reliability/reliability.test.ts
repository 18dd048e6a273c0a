import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DAY} from '../../source/core/time.js';
import {mintToken, tokenRecord} from '../../source/core/token.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {Store} from '../../source/store/store.js';
import {bundleScript} from '../bundle.js';
import {CLI, freshStore, runCli, seededRandom, tempDir} from '../helpers.js';

/** `npm test` runs a small version of each case; `npm run test:reliability` the full one. */
const FULL = process.env.RELIABILITY === 'full';
const SCALE = FULL
	? {writers: [2, 4, 8], changes: 200, repeats: 3, crashes: 200, crashKeys: 20_000, truncations: 200, flips: 500}
	: {writers: [2, 4], changes: 40, repeats: 1, crashes: 8, crashKeys: 5_000, truncations: 24, flips: 40};

const figure = (line: string) => console.log(`[reliability${FULL ? '' : ', fast'}] ${line}`);
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil(values.length * p) - 1))] ?? 0;

let worker: string;
let removeWorker = () => undefined as void;
beforeAll(async () => {
	({file: worker, remove: removeWorker} = await bundleScript(join(import.meta.dirname, 'worker.ts')));
});
afterAll(() => removeWorker());

function start(args: string[]): {child: ChildProcess; lines: string[]; exited: Promise<number | null>; waitFor(prefix: string): Promise<string>} {
	const child = spawn(process.execPath, [worker, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	const lines: string[] = [];
	let buffer = '';
	const waiters: Array<() => void> = [];
	child.stdout!.on('data', chunk => {
		buffer += chunk;
		const parts = buffer.split('\n');
		buffer = parts.pop()!;
		lines.push(...parts);
		for (const wake of waiters.splice(0)) wake();
	});
	const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)));
	const waitFor = (prefix: string) =>
		new Promise<string>((resolve, reject) => {
			const check = () => {
				const line = lines.find(l => l.startsWith(prefix));
				if (line) return resolve(line);
				if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`worker ended before "${prefix}"`));
				waiters.push(check);
			};
			check();
		});
	return {child, lines, exited, waitFor};
}

const acks = (lines: string[]) =>
	lines.filter(l => l.startsWith('ack ')).map(l => {
		const [, appKey, revision, ms] = l.split(' ');
		return {appKey: appKey!, revision: Number(revision), ms: Number(ms)};
	});

/** A store of `count` keys written through the bulk path (multi-megabyte for the crash case). */
async function bigStore(count: number): Promise<string> {
	const data = freshStore();
	const random = seededRandom(`big-${count}`);
	const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
	for (let i = 0; i < count; i++) {
		const created = data.created - (i % 700) * DAY;
		const suffix = Array.from({length: 6}, (_, d) => letters[Math.floor(i / 26 ** d) % 26]).join('');
		data.keys.push({appKey: `appkey-acme-${suffix}`, name: `Integration ${i}`, roles: ['OMS - Read only'], created, createdBy: 'alice', active: true, token: tokenRecord(mintToken(random(32)), created)});
	}
	data.revision = 1;
	const path = join(tempDir(), 'store.json');
	writeFileSync(path, serializeStore(data), {mode: 0o600});
	return path;
}

describe('concurrent writers', () => {
	it.each(SCALE.writers)('%i processes: no acknowledged write lost, no corrupt file', async processes => {
		let lost = 0;
		let corrupt = 0;
		const latencies: number[] = [];
		for (let repeat = 0; repeat < SCALE.repeats; repeat++) {
			const path = join(tempDir(), 'store.json');
			await Store.create(path, freshStore());
			const runs = Array.from({length: processes}, (_, i) => start(['write', path, String(SCALE.changes), `w${i}`]));
			await Promise.all(runs.map(r => r.exited));
			const acknowledged = runs.flatMap(r => acks(r.lines));
			latencies.push(...acknowledged.map(a => a.ms));
			let stored = new Set<string>();
			try {
				stored = new Set((await (await Store.open(path)).read()).keys.map(k => k.appKey));
			} catch {
				corrupt++;
			}
			lost += acknowledged.filter(a => !stored.has(a.appKey)).length;
			expect(acknowledged).toHaveLength(processes * SCALE.changes);
		}
		figure(`concurrent writers ${processes} × ${SCALE.changes} × ${SCALE.repeats}: lost ${lost}, corrupt ${corrupt}, change latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms p99 ${percentile(latencies, 0.99).toFixed(1)} ms`);
		expect(lost).toBe(0);
		expect(corrupt).toBe(0);
	});
});

describe('kill -9 during writes', () => {
	it('never leaves an unparseable file, a lost acknowledged write or a revision going back', async () => {
		const path = await bigStore(SCALE.crashKeys);
		const size = statSync(path).size;
		let unparseable = 0;
		let lost = 0;
		let regressions = 0;
		let tempsLeft = 0;
		let tempsAfterStart = 0;
		let lastRevision = 1;
		const known = new Set<string>();
		for (let i = 0; i < SCALE.crashes; i++) {
			const run = start(['write', path, '1000', `c${i}`]);
			await run.waitFor('ack').catch(() => undefined);
			await new Promise(resolve => setTimeout(resolve, (i * 37) % 120));
			run.child.kill('SIGKILL');
			await run.exited;
			for (const ack of acks(run.lines)) known.add(ack.appKey);
			const maxAcked = Math.max(lastRevision, ...acks(run.lines).map(a => a.revision));
			const directory = join(path, '..');
			tempsLeft += readdirSync(directory).filter(name => name.endsWith('.tmp')).length;
			try {
				const store = await Store.open(path);
				const data = await store.read();
				if (data.revision < maxAcked) regressions++;
				lastRevision = data.revision;
				const stored = new Set(data.keys.map(k => k.appKey));
				lost += [...known].filter(appKey => !stored.has(appKey)).length;
			} catch {
				unparseable++;
			}
			tempsAfterStart += readdirSync(directory).filter(name => name.endsWith('.tmp')).length;
		}
		figure(`kill -9 × ${SCALE.crashes} on a ${(size / 2 ** 20).toFixed(1)} MiB store: unparseable ${unparseable}, lost acknowledged ${lost}, revision regressions ${regressions}, temp files left ${tempsLeft}, left after the next start ${tempsAfterStart}`);
		expect(unparseable).toBe(0);
		expect(lost).toBe(0);
		expect(regressions).toBe(0);
		expect(tempsAfterStart).toBe(0);
	});
});

describe('corrupt stores', () => {
	it('are refused in one line naming the file (and the position when it does not parse), never overwritten, never polluting', async () => {
		const path = await bigStore(50);
		const original = readFileSync(path, 'utf8');
		const cases: Array<[string, string]> = [
			['empty', ''],
			['byte-order mark', `\ufeff${original}`],
			['trailing garbage', `${original}xx`],
			['newer schema', original.replace('"schemaVersion":1', '"schemaVersion":7')],
			['__proto__', original.replace('"roles":[]', '"roles":[],"__proto__":{"polluted":1}')],
			['constructor', original.replace('"roles":[]', '"roles":[],"constructor":{"prototype":{"polluted":1}}')],
		];
		for (let i = 1; i <= SCALE.truncations; i++) cases.push([`truncated at ${i}`, original.slice(0, Math.floor((original.length * i) / (SCALE.truncations + 1)))]);
		for (let i = 0; i < SCALE.flips; i++) {
			const at = Math.floor(((i * 7919) % 10_007) / 10_007 * original.length);
			const bit = 1 << (i % 7);
			cases.push([`bit ${bit} flipped at ${at}`, original.slice(0, at) + String.fromCharCode(original.charCodeAt(at) ^ bit) + original.slice(at + 1)]);
		}
		let refused = 0;
		let overwritten = 0;
		for (const [label, text] of cases) {
			writeFileSync(path, text);
			const error = await Store.open(path).then(
				() => null,
				(e: Error) => e,
			);
			expect(error, label).not.toBeNull();
			expect(error!.message.split('\n'), label).toHaveLength(1);
			expect(error!.message, label).toContain(`store ${path}`);
			if (/not valid JSON/.test(error!.message)) expect(error!.message, label).toMatch(/at line \d+, column \d+/);
			refused++;
			const cli = await runCli(['generate', '--name', 'x'], {store: path});
			expect(cli.code, label).toBe(1);
			if (readFileSync(path, 'utf8') !== text) overwritten++;
		}
		const polluted = ({} as Record<string, unknown>).polluted !== undefined || (Object.prototype as Record<string, unknown>).polluted !== undefined;
		figure(`corrupt stores: ${cases.length} cases (${SCALE.truncations} truncations, ${SCALE.flips} bit flips, empty, BOM, garbage, newer schema, prototype keys): refused ${refused}, overwritten ${overwritten}, prototype pollution ${polluted ? 'yes' : 'none'}`);
		expect(refused).toBe(cases.length);
		expect(overwritten).toBe(0);
		expect(polluted).toBe(false);
	});
});

const canMount = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=64k tmpfs ${tmpdir()} && true`]).status === 0;
if (!canMount) console.warn('full-disk case skipped: this machine does not allow unshare -m with a tmpfs mount');

describe.skipIf(!canMount)('a full disk and a read-only disk', () => {
	it('refuse the change in one line, leave the file as it was, and the next change works once there is room', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'apikeys-full-'));
		const node = process.execPath;
		// Everything runs inside one private mount namespace with a 256 KiB tmpfs over `dir`.
		const script = `
set -u
mount -t tmpfs -o size=256k,mode=0700 tmpfs "${dir}"
export APIKEYS_STORE="${dir}/store.json" APIKEYS_OPERATOR=alice
run() { "${node}" "${CLI}" "$@" 2>&1; echo "exit=$?"; }
run init --account acme >/dev/null
run generate --name before >/dev/null
cp "${dir}/store.json" "${dir}/../before-$$.json" 2>/dev/null || true
sum1=$(sha256sum "${dir}/store.json" | cut -d' ' -f1)
dd if=/dev/zero of="${dir}/filler" bs=4k 2>/dev/null
echo "--- full"
run generate --name during
sum2=$(sha256sum "${dir}/store.json" | cut -d' ' -f1)
[ "$sum1" = "$sum2" ] && echo "unchanged=yes" || echo "unchanged=no"
ls -a "${dir}" | grep -c '\\.tmp$' | sed 's/^/temps=/'
rm "${dir}/filler"
echo "--- room again"
run generate --name after >/dev/null
run list --json | grep -c '"name"' | sed 's/^/keys=/'
mount -o remount,ro "${dir}"
echo "--- read-only"
sum3=$(sha256sum "${dir}/store.json" | cut -d' ' -f1)
run generate --name readonly
sum4=$(sha256sum "${dir}/store.json" | cut -d' ' -f1)
[ "$sum3" = "$sum4" ] && echo "unchanged=yes" || echo "unchanged=no"
`;
		const result = spawnSync('unshare', ['-m', 'sh', '-c', script], {encoding: 'utf8'});
		rmSync(dir, {recursive: true, force: true});
		const out = result.stdout + result.stderr;
		const [, full = '', roomAgain = '', readOnly = ''] = out.split(/--- (?:full|room again|read-only)\n/);
		expect(full).toMatch(/^apikeys: could not (write|lock) store .*store\.json: no space left on the device \(ENOSPC\); nothing was changed\nexit=1\nunchanged=yes\ntemps=0/);
		expect(roomAgain).toMatch(/keys=2/);
		expect(readOnly).toMatch(/apikeys: .*(read-only|EROFS).*\nexit=1\nunchanged=yes/);
		expect(out).not.toMatch(/\n\s+at /);
		figure('full disk (256 KiB tmpfs) and read-only remount: one-line refusal, exit 1, store byte-for-byte unchanged, no temp file left, the next change works once there is room');
	});
});

describe.skipIf(!canMount)('a full disk under the full-screen app', () => {
	it('shows the refusal in the dialog, keeps the table as it was, and works again once there is room', async () => {
		const {startTui, KEY} = await import('../e2e/pty.js');
		const dir = mkdtempSync(join(tmpdir(), 'apikeys-full-tui-'));
		const script = `mount -t tmpfs -o size=256k,mode=0700 tmpfs "${dir}" && export APIKEYS_STORE="${dir}/store.json" APIKEYS_OPERATOR=alice && "${process.execPath}" "${CLI}" init --account acme >/dev/null && "${process.execPath}" "${CLI}" generate --name existing >/dev/null && (dd if=/dev/zero of="${dir}/filler" bs=4k 2>/dev/null; true) && exec "${process.execPath}" "${CLI}"`;
		const app = startTui([], {columns: 100, rows: 30, env: {}, command: ['unshare', '-m', 'sh', '-c', script]});
		await app.waitFor('1 of 1 key');
		await app.type('n');
		await app.waitFor('Key identification');
		await app.type(...'no room', KEY.tab, KEY.tab, KEY.tab, KEY.enter);
		// The message may wrap inside the dialog's box: wait until all of it is on the screen.
		const refused = (await app.waitFor(/\(ENOSPC\);[\s│]*nothing[\s│]*was[\s│]*changed/)).replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
		expect(refused).toMatch(/✗ could not (write|lock) store .*no space left on the device \(ENOSPC\); nothing was changed/);
		await app.type(KEY.escape);
		// The table is back (the dialog closed) and still holds only the one key.
		const table = await app.waitFor('Press / to search');
		expect(table).toContain('1 of 1 key');
		expect(table).not.toContain('no room');
		spawnSync('nsenter', [`--mount=/proc/${app.pid}/ns/mnt`, 'rm', '-f', join(dir, 'filler')]);
		await app.type('n');
		await app.waitFor('Key identification');
		await app.type(...'room again', KEY.tab, KEY.tab, KEY.tab, KEY.enter);
		await app.waitFor('Key generated');
		await app.type(KEY.enter);
		await app.waitFor(/Generated appkey-acme-[A-Z]{6}\. · 2 of 2 keys/);
		await app.type('q');
		await app.exited();
		rmSync(dir, {recursive: true, force: true});
		figure('full disk under the app: the dialog shows the one-line refusal, the table keeps 1 key, and after room is made the next generate succeeds');
	});
});
