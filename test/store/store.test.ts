import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {crc32} from 'node:zlib';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {AtomicJsonFile} from '../../source/store/adapter.js';
import {StaleWriteError, batches} from '../../source/store/atomic-write.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {Store} from '../../source/store/store.js';
import {acquireLock} from '../../source/store/lock.js';
import {ApiKeysService} from '../../source/service.js';
import {SCHEMA_VERSION, type StoreData} from '../../source/core/types.js';
import {T0, freshStore, tempDir} from '../helpers.js';

const newStorePath = () => join(tempDir(), 'nested', 'store.json');

async function created() {
	const path = newStorePath();
	const store = await Store.create(path, freshStore());
	return {path, store};
}

describe('the store file', () => {
	it('is created with mode 0600 in a directory with mode 0700, at revision 1', async () => {
		const {path} = await created();
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
		expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^\\{"schemaVersion":${SCHEMA_VERSION},"revision":1,"account":"acme"`));
	});

	it('keeps mode 0600 and bumps the revision on every change, leaving no temp file', async () => {
		const {path, store} = await created();
		for (let i = 0; i < 3; i++) await store.transact(data => void (data.settings.renewalAlertMonths = i % 2 ? 3 : 6));
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(path, 'utf8')).revision).toBe(4);
		expect(readdirSync(join(path, '..')).sort()).toEqual(['store.json', 'store.json.lock']);
	});

	it('says that a store deleted since it was read is gone, rather than going on with the last read', async () => {
		const {path, store} = await created();
		await store.read();
		rmSync(path);
		await expect(store.read()).rejects.toThrow(`store ${path} was deleted or moved since it was read`);
		await expect(store.transact(data => void (data.account = 'recreated'))).rejects.toThrow(`store ${path} was deleted or moved since it was read`);
		expect(existsSync(path)).toBe(false);
	});
});

describe('a change works on a copy of the file', () => {
	it('leaves the data in memory as it was when the write fails', async () => {
		const {path, store} = await created();
		await expect(
			store.transact(data => {
				data.account = 'never-written';
				// The store file turns into a directory before the write's revision check.
				rmSync(path);
				mkdirSync(path);
			}),
		).rejects.toThrow(`store ${path} is a directory, not a regular file`);
		expect(store.peek()).toMatchObject({account: 'acme', revision: 1});
	});

	it('writes a key that is the same object as in the file read from that file\'s bytes, not serialized again', async () => {
		const {path, store} = await created();
		const service = await ApiKeysService.open(path, {operator: 'alice'});
		for (let i = 0; i < 3; i++) await service.generate({name: `key ${i}`, roles: []});
		const data = await store.read();
		// Changed behind the writer's back (keys never are): only a key serialized again would show it.
		(data.keys[1] as {name: string}).name = 'serialized again';
		await store.transact(draft => void (draft.settings = {...draft.settings, reveal: 'direct'}));
		const text = readFileSync(path, 'utf8');
		expect(text).toContain('"reveal":"direct"');
		expect(text).toContain('"name":"key 1"');
		expect(text).not.toContain('serialized again');
	});
});

describe('the revision fence', () => {
	it('refuses a write from a writer whose read is older than the file (one that wrote without the lock)', async () => {
		const {path} = await created();
		const late = new AtomicJsonFile(path);
		const stale = (await late.read())!;
		const winner = await Store.open(path);
		await winner.transact(data => void (data.account = 'winner'));
		const acknowledged = readFileSync(path);
		stale.account = 'late-writer';
		stale.revision += 1;
		await expect(late.write(stale)).rejects.toBeInstanceOf(StaleWriteError);
		expect(readFileSync(path).equals(acknowledged)).toBe(true);
		expect(readdirSync(join(path, '..')).sort()).toEqual(['store.json', 'store.json.lock']);
	});
});

/** Recomputes the integrity field, as a tool that rewrites the file on purpose would. */
const reseal = (text: string) => {
	const body = text.replace(/,"integrity":"crc32:[0-9a-f]{8}"\}$/, '');
	return `${body},"integrity":"crc32:${crc32(body).toString(16).padStart(8, '0')}"}`;
};

/** Flips one bit of the character at `at`, keeping it printable ASCII so the JSON may still parse. */
const flipBit = (text: string, at: number) => text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 1) + text.slice(at + 1);

describe('a file that does not parse', () => {
	const damage: Array<[string, (text: string) => string, RegExp]> = [
		['truncated', t => t.slice(0, Math.floor(t.length / 2)), /is not valid JSON at line \d+, column \d+ \(character \d+\): /],
		['trailing garbage', t => `${t}}{`, /is not valid JSON at line \d+, column \d+ .*unexpected data after the end/],
		['empty', () => '', /is empty \(0 bytes\)/],
		['with a byte-order mark', t => `\ufeff${t}`, /at line 1, column 1 \(character 0\): a byte-order mark is not allowed/],
		['multi-line with a stray comma', t => t.replace('{"schemaVersion"', '{\n\n  ,"schemaVersion"'), /at line 3, column 3/],
		['with a __proto__ key', t => reseal(t.replace('"roles":[]', '"roles":[],"__proto__":{"polluted":true}')), /holds a forbidden property name at line 1, column \d+/],
		['from a newer version', t => reseal(t.replace(`"schemaVersion":${SCHEMA_VERSION}`, '"schemaVersion":99')), /written by a newer apikeys \(schema version 99; this one knows up to 1\)/],
		['with a wrong type', t => reseal(t.replace('"keys":[\n]', '"keys":[\n{"appKey":7}\n]')), /is damaged: keys\[0\]\.appKey is not text/],
		['with an unknown field', t => reseal(t.replace('"keys":[\n]', '"keys":[\n],"extra":1')), /is damaged: extra is not a known field/],
		['with one flipped bit that still parses', t => flipBit(t, t.indexOf('"account":"acme"') + 12), /fails its integrity check \(CRC32 of the first \d+ bytes\)/],
		['without its integrity field', t => t.replace(/,"integrity":"crc32:[0-9a-f]{8}"\}$/, '}'), /has no integrity field at its end/],
	];

	it.each(damage)('%s: is refused naming the file and position, and left byte-for-byte untouched', async (_, corrupt, message) => {
		const {path} = await created();
		writeFileSync(path, corrupt(readFileSync(path, 'utf8')), {mode: 0o600});
		const before = readFileSync(path);
		const error = await Store.open(path).then(() => null, (e: Error) => e);
		expect(error?.message).toContain(`store ${path}`);
		expect(error?.message).toMatch(message);
		expect(error?.message).toContain('it was left untouched');
		expect(error?.message.split('\n')).toHaveLength(1);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(readFileSync(path).equals(before)).toBe(true);
	});

	it('is not overwritten by a change either', async () => {
		const {path, store} = await created();
		writeFileSync(path, '{"schemaVersion":1,', {mode: 0o600});
		await expect(store.transact(data => void (data.account = 'x'))).rejects.toThrow('is not valid JSON');
		expect(readFileSync(path, 'utf8')).toBe('{"schemaVersion":1,');
	});
});

describe('temp files', () => {
	it('are removed when the store is opened and no writer holds the lock; kept while one does (it may be writing them)', async () => {
		const {path} = await created();
		const dir = join(path, '..');
		const left = ['.store.json.999999.0123456789abcdef.tmp', `.store.json.${process.pid}.fedcba9876543210.tmp`];
		for (const name of left) writeFileSync(join(dir, name), 'partial');
		const lease = await acquireLock(path);
		await Store.open(path);
		expect(readdirSync(dir).sort()).toEqual([...left, 'store.json', 'store.json.lock'].sort());
		await lease.release();
		await Store.open(path);
		expect(readdirSync(dir).sort()).toEqual(['store.json', 'store.json.lock']);
	});
});

describe('serialization', () => {
	it('writes exactly the data, reusing the text of unchanged keys but never of replaced ones', async () => {
		const {path} = await created();
		const service = await ApiKeysService.open(path, {operator: 'alice'});
		const {row} = await service.generate({name: 'ERP', roles: []});
		await service.deactivate(row.appKey);
		const onDisk = JSON.parse(readFileSync(path, 'utf8'));
		expect(onDisk.keys[0]).toMatchObject({appKey: row.appKey, active: false});
		await service.activate(row.appKey);
		await service.edit(row.appKey, {roles: ['Checkout Admin']});
		const data = await (await Store.open(path)).read();
		const {integrity, keyCount, ...parsed} = JSON.parse(serializeStore(data));
		expect(integrity).toMatch(/^crc32:[0-9a-f]{8}$/);
		expect(keyCount).toBe(data.keys.length);
		expect(parsed).toEqual(JSON.parse(JSON.stringify(data)));
		expect(parsed.keys[0]).toMatchObject({active: true, roles: ['Checkout Admin']});
	});

	it('is pure ASCII, one key and one activity entry per line, and reads back the same, names in any script included', async () => {
		const {path} = await created();
		const service = await ApiKeysService.open(path, {operator: 'alice'});
		const names = ['ERP – SAP', '日本の連携', 'Loja 🔑 São Paulo', 'quote " and \\ backslash', '__proto__', '"constructor": x'];
		for (const name of names) await service.generate({name, roles: ['Checkout Admin']});
		const bytes = readFileSync(path);
		expect(bytes.every(b => b < 0x80)).toBe(true);
		const lines = bytes.toString('latin1').split('\n');
		expect(lines.filter(line => line.startsWith('{"appKey":"'))).toHaveLength(names.length);
		const data = await (await Store.open(path)).read();
		expect(lines.filter(line => line.startsWith('{"at":'))).toHaveLength(data.activity.length);
		expect(data.activity.length).toBeGreaterThanOrEqual(names.length);
		expect(data.keys.map(k => k.name).sort()).toEqual([...names].sort());
	});

	it("reads a file in the earlier whole-JSON layout, and writes it in the line layout from then on", async () => {
		const {path} = await created();
		const service = await ApiKeysService.open(path, {operator: 'alice'});
		await service.generate({name: 'Marketplace – feed', roles: []});
		const data = await (await Store.open(path)).read();
		writeFileSync(path, reseal(`${JSON.stringify(data).slice(0, -1)},"integrity":"crc32:00000000"}`), {mode: 0o600});
		const reopened = await ApiKeysService.open(path, {operator: 'alice'});
		expect((await reopened.listKeys()).rows.map(r => r.name)).toEqual(['Marketplace – feed']);
		await reopened.generate({name: 'second', roles: []});
		const text = readFileSync(path, 'latin1');
		expect(text).toContain('"keys":[\n{"appKey":');
		expect(text).toContain('Marketplace \\u2013 feed');
		expect((await (await Store.open(path)).read()).keys.map(k => k.name).sort()).toEqual(['Marketplace – feed', 'second']);
	});

	it('previews a large file from its newest keys and its count, and reads the rest on the next read', async () => {
		const {path, store} = await created();
		await store.transact(data => {
			for (let i = 0; i < 500; i++) {
				const created = T0 + ((i * 7919) % 500) * 1000;
				data.keys.push({appKey: `appkey-acme-${String(i).padStart(6, '0')}`, name: `key ${i}`, roles: [], created, createdBy: 'alice', active: true, token: {digest: 'd'.repeat(43), hint: 'apikt_abcd', created}});
			}
		});
		const adapter = new AtomicJsonFile(path);
		const preview = await adapter.readPreview(20);
		const full = await Store.open(path).then(s => s.read());
		const newest = [...full.keys].sort((a, b) => b.created - a.created || (a.appKey < b.appKey ? -1 : 1)).slice(0, 20);
		expect(preview?.keyCount).toBe(500);
		expect(preview?.data.keys.map(k => k.appKey).sort()).toEqual(newest.map(k => k.appKey).sort());
		expect(preview?.data.account).toBe('acme');
		expect((await adapter.read())?.keys).toHaveLength(500);
	});

	it('does not preview a file in another layout or with a damaged key, which the full read reports with its place', async () => {
		const {path} = await created();
		const service = await ApiKeysService.open(path, {operator: 'alice'});
		await service.generate({name: 'ERP', roles: []});
		const text = readFileSync(path, 'latin1');
		writeFileSync(path, reseal(text.replace('"createdBy":"alice"', '"createdBy":7')), {mode: 0o600});
		const adapter = new AtomicJsonFile(path);
		expect(await adapter.readPreview(10)).toBeNull();
		await expect(adapter.read()).rejects.toThrow(/is damaged: keys\[0\]\.createdBy is not text/);
		writeFileSync(path, reseal(text.replace('"keys":[\n{', '"keys":[ {')), {mode: 0o600});
		expect(await new AtomicJsonFile(path).readPreview(10)).toBeNull();
		expect((await new AtomicJsonFile(path).read())?.keys).toHaveLength(1);
	});

	it('writes, from the lines it copies, exactly the bytes a fresh serialization gives, whatever was changed, added or removed', async () => {
		const {path} = await created();
		const first = await ApiKeysService.open(path, {operator: 'alice'});
		for (let i = 0; i < 12; i++) await first.generate({name: `key ${i} – ü`, roles: []});
		const operation = fc.oneof(
			fc.record({kind: fc.constant('generate' as const), name: fc.string({minLength: 1, maxLength: 12}).filter(n => n.trim() !== '' && !/[\u0000-\u001f\u007f-\u009f]/.test(n))}),
			fc.record({kind: fc.constantFrom('delete' as const, 'toggle' as const, 'roles' as const), at: fc.nat()}),
		);
		await fc.assert(
			fc.asyncProperty(fc.array(operation, {minLength: 1, maxLength: 6}), async operations => {
				// Opened afresh, so the lines it copies come from the file it read, not from its own writes.
				const service = await ApiKeysService.open(path, {operator: 'alice'});
				for (const op of operations) {
					const keys = (await service.listKeys()).rows;
					const target = 'at' in op && keys.length > 0 ? keys[op.at % keys.length]!.appKey : null;
					if (op.kind === 'generate') await service.generate({name: op.name, roles: []});
					else if (target && op.kind === 'delete') await service.deleteKey(target);
					else if (target && op.kind === 'toggle') await ((await service.getKey(target)).status === 'Active' ? service.deactivate(target) : service.activate(target));
					else if (target) await service.edit(target, {roles: ['Checkout Admin']});
					// What the service holds now, serialized from nothing, is what the file must say.
					expect(readFileSync(path, 'latin1')).toBe(serializeStore(service.snapshotNow()! as StoreData));
				}
			}),
			{numRuns: 25},
		);
	});

	it('keeps keys oldest first in the file even when the clock goes back, so a preview finds the newest at the end', async () => {
		const {path} = await created();
		let now = T0;
		const service = await ApiKeysService.open(path, {operator: 'alice', clock: () => now});
		const made: Array<{appKey: string; created: number}> = [];
		for (const step of [0, -5000, 9000, -20_000, 0, 1]) {
			now += step;
			const {row} = await service.generate({name: `at ${now}`, roles: []});
			made.push({appKey: row.appKey, created: now});
		}
		const times = readFileSync(path, 'latin1')
			.split('\n')
			.filter(line => line.startsWith('{"appKey":'))
			.map(line => (JSON.parse(line.replace(/,$/, '')) as {created: number}).created);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		const preview = await new AtomicJsonFile(path).readPreview(2);
		const newest = [...made].sort((a, b) => b.created - a.created || (a.appKey < b.appKey ? -1 : 1)).slice(0, 2);
		expect(preview?.data.keys.map(k => k.appKey).sort()).toEqual(newest.map(k => k.appKey).sort());
		expect(preview?.keyCount).toBe(made.length);
	});

	it('puts schemaVersion and revision first so the fence reads only the head', () => {
		const data = freshStore();
		data.revision = 41;
		expect(serializeStore(data).startsWith(`{"schemaVersion":${SCHEMA_VERSION},"revision":41,"account":"acme",`)).toBe(true);
	});
});

describe('writes in batches', () => {
	it('regroup the pieces into calls of at most the batch size, every byte once and in order', () => {
		fc.assert(
			fc.property(fc.array(fc.uint8Array({maxLength: 40}), {maxLength: 12}), fc.integer({min: 1, max: 16}), (pieces, size) => {
				const parts = pieces.map(piece => Buffer.from(piece));
				const written = [...batches(parts, size)];
				const lengths = written.map(batch => batch.reduce((sum, piece) => sum + piece.length, 0));
				expect(Buffer.concat(written.flat())).toEqual(Buffer.concat(parts));
				for (const length of lengths.slice(0, -1)) expect(length).toBe(size);
				for (const length of lengths) expect(length).toBeGreaterThan(0);
				expect(lengths.at(-1) ?? 0).toBeLessThanOrEqual(size);
			}),
			{numRuns: 500},
		);
	});
});
