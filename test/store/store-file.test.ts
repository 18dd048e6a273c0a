import {execFileSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {mintToken, tokenRecord} from '../../source/core/token.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {freshStore, runCli, seededRandom, tempDir} from '../helpers.js';

/** The store file is checked before a byte of it is read: each of these once hung, exhausted memory or was trusted. */
describe('a store path that is not a private, regular, bounded file', () => {
	const refusedWith = async (store: string, message: string) => {
		for (const args of [['list'], ['generate', '--name', 'x']]) {
			const result = await runCli(args, {store});
			expect(result, args[0]).toMatchObject({code: 1, stdout: '', stderr: `apikeys: ${message}\n`});
		}
	};

	it('a FIFO is refused at once, not waited on', async () => {
		const store = join(tempDir(), 'store.json');
		execFileSync('mkfifo', ['-m', '600', store]);
		await refusedWith(store, `store ${store} is a FIFO, not a regular file; it was left untouched`);
		expect(await runCli(['init', '--account', 'acme'], {store})).toMatchObject({code: 1, stderr: `apikeys: store ${store} is a FIFO, not a regular file; it was left untouched\n`});
		expect(existsSync(`${store}.lock`)).toBe(false);
	});

	it('a link to /dev/zero (or any link) is refused without following it', async () => {
		const store = join(tempDir(), 'store.json');
		symlinkSync('/dev/zero', store);
		await refusedWith(store, `store ${store} is a symbolic link: give the path of the store file itself; it was left untouched`);
	});

	it('a directory is refused', async () => {
		const store = join(tempDir(), 'store.json');
		mkdirSync(store, {mode: 0o700});
		await refusedWith(store, `store ${store} is a directory, not a regular file; it was left untouched`);
		// In a directory anyone may write (as /tmp), it is still said to be a directory, not blamed on its parent.
		const shared = join(tempDir(), 'shared');
		mkdirSync(shared);
		chmodSync(shared, 0o1777);
		const inShared = join(shared, 'keys');
		mkdirSync(inShared, {mode: 0o700});
		await refusedWith(inShared, `store ${inShared} is a directory, not a regular file; it was left untouched`);
	});

	it('a file over 256 MiB is refused without being read', async () => {
		const store = join(tempDir(), 'store.json');
		writeFileSync(store, '', {mode: 0o600});
		truncateSync(store, 1024 ** 3);
		await refusedWith(store, `store ${store} is 1024 MiB, over the 256 MiB a store may be; it was left untouched`);
	});

	it('a file that others may write is refused, naming the chmod that fixes it', async () => {
		const store = join(tempDir(), 'store.json');
		expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
		chmodSync(store, 0o664);
		await refusedWith(store, `store ${store} is writable by its group (mode 0664): run "chmod 600 ${store}"; it was left untouched`);
		chmodSync(store, 0o600);
		expect((await runCli(['list'], {store})).code).toBe(0);
	});

	it('a directory that others may write is refused, for reading, changing and creating alike', async () => {
		const dir = tempDir();
		const store = join(dir, 'store.json');
		expect((await runCli(['init', '--account', 'acme'], {store})).code).toBe(0);
		chmodSync(dir, 0o777);
		await refusedWith(store, `the directory of store ${store} is writable by group and others (mode 0777): run "chmod go-w ${dir}"`);
		chmodSync(dir, 0o1777);
		const shared = join(dir, 'other.json');
		const init = await runCli(['init', '--account', 'acme'], {store: shared});
		expect(init).toMatchObject({code: 1, stderr: `apikeys: the directory of store ${shared} is writable by group and others (mode 1777): keep the store in a directory only its owner can write\n`});
		expect(existsSync(shared)).toBe(false);
		expect(existsSync(`${shared}.lock`)).toBe(false);
	});
});

describe('a store whose content is out of bounds', () => {
	const written = (edit: (data: ReturnType<typeof freshStore>) => void) => {
		const data = freshStore();
		const random = seededRandom('bounds');
		data.keys.push({appKey: 'appkey-acme-ABCDEF', name: 'ERP', roles: [], created: data.created, createdBy: 'alice', active: true, token: tokenRecord(mintToken(random(32)), data.created)});
		data.revision = 3;
		edit(data);
		const store = join(tempDir(), 'store.json');
		writeFileSync(store, serializeStore(data), {mode: 0o600});
		return store;
	};

	it('a key name over 100 characters (here 20 MB) is refused in one line', async () => {
		const store = written(data => void (data.keys[0] = {...data.keys[0]!, name: 'N'.repeat(20_000_000)}));
		const before = readFileSync(store);
		const result = await runCli(['list'], {store});
		expect(result).toMatchObject({code: 1, stdout: '', stderr: `apikeys: store ${store} is damaged: keys[0].name is longer than 100 characters; it was left untouched\n`});
		expect(readFileSync(store).equals(before)).toBe(true);
	});

	it('a revision that cannot be incremented is refused before any change', async () => {
		const store = written(data => void (data.revision = Number.MAX_SAFE_INTEGER));
		const result = await runCli(['generate', '--name', 'x'], {store});
		expect(result).toMatchObject({code: 1, stderr: `apikeys: store ${store} is damaged: revision is ${Number.MAX_SAFE_INTEGER}, which cannot be incremented; it was left untouched\n`});
	});
});
