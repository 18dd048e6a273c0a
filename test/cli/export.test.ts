import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import {beforeAll, describe, expect, it} from 'vitest';
import {keyId, neutralizeFormula, toCsv} from '../../source/core/export.js';
import {mintToken, tokenRecord} from '../../source/core/token.js';
import {DAY} from '../../source/core/time.js';
import {serializeStore} from '../../source/store/line-writer.js';
import {TOKEN_IN_TEXT, freshStore, runCli, seededRandom, tempDir} from '../helpers.js';
import {eachStore, type TestStore} from '../stores.js';

const GENERATED_HEADER = ['id', 'keyName', 'roles', 'label', 'creationDate', 'creationDateToken', 'creationDateNewToken', 'status'];
const EXTERNAL_HEADER = ['id', 'keyName', 'roles', 'account', 'addedDate', 'status'];
const quotedLine = (fields: readonly string[]) => fields.map(field => `"${field}"`).join(',');

/** The cells of one CSV line as a spreadsheet splits them with `separator` as its list separator. */
function cellsOf(line: string, separator: string): string[] {
	const cells: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const char = line[i]!;
		if (quoted && char === '"' && line[i + 1] === '"') {
			cell += '"';
			i++;
		} else if (char === '"') quoted = !quoted;
		else if (char === separator && !quoted) {
			cells.push(cell);
			cell = '';
		} else cell += char;
	}
	return [...cells, cell];
}

/** A store with three generated keys (one pending renewal with an unused link, one inactive) and an external key. */
async function populated(store: TestStore) {
	expect((await store.cli(['init', '--account', 'acme'])).code).toBe(0);
	const cli = (args: string[], input?: string) => store.cli(args, {input});
	const erp = JSON.parse((await cli(['generate', '--name', 'ERP, "main"', '--role', 'OMS - Full access', '--role', 'Checkout Admin', '--json'])).stdout);
	await cli(['redeem'], erp.link);
	const renewed = JSON.parse((await cli(['renew', erp.appKey, '--delete-old', 'later', '--json'])).stdout);
	const evil = JSON.parse((await cli(['generate', '--name', '=cmd|" /C calc"!A0', '--json'])).stdout);
	await cli(['redeem'], evil.link);
	await cli(['deactivate', evil.appKey, '--yes']);
	await cli(['external', 'add', 'vtexappkey-partnerco-QWERTY', '--role', 'Logistics - Read only']);
	const secrets = [erp.link, renewed.link, evil.link].map((url: string) => url.split('/').pop()!);
	const service = await store.open('alice');
	const snapshot = await service.snapshot();
	// A database store's snapshot holds no keys: they are read by appKey.
	const data = {...snapshot, keys: snapshot.keys.length > 0 ? snapshot.keys : await service.keysByAppKey([erp.appKey, evil.appKey])};
	expect(data.keys).toHaveLength(2);
	const digests = data.keys.flatMap(k => [k.token.digest, k.oldToken?.digest ?? '']).filter(Boolean);
	return {cli, erp, evil, secrets, digests, data};
}

eachStore('apikeys export', stores => {
	// The exports read the store and write files elsewhere: one store serves them all.
	let shared: Awaited<ReturnType<typeof populated>>;
	beforeAll(async () => {
		shared = await populated(await stores.fresh());
	});

	it('writes XLSX by default with the Generated and External sheets of the VTEX export', async () => {
		const dir = tempDir();
		const {cli, erp, evil, data} = shared;
		const file = join(dir, 'keys.xlsx');
		const result = await cli(['export', '--output', file]);
		expect(result.stdout).toBe(`Exported 2 generated keys and 1 external key to ${file}\n`);
		const sheets = await readXlsxFile(file);
		expect(sheets.map(s => s.sheet)).toEqual(['Generated', 'External']);
		const [generated, external] = sheets.map(s => s.data as unknown[][]);
		expect(generated![0]).toEqual(GENERATED_HEADER);
		const erpKey = data.keys.find(k => k.appKey === erp.appKey)!;
		const erpRow = generated!.find(row => row[1] === erp.appKey)!;
		expect(erpRow).toEqual([
			keyId(erp.appKey),
			erp.appKey,
			'OMS - Full access, Checkout Admin',
			'ERP, "main"',
			new Date(erpKey.created).toISOString(),
			new Date(erpKey.oldToken!.created).toISOString(),
			new Date(erpKey.token.created).toISOString(),
			'Active',
		]);
		const evilRow = generated!.find(row => row[1] === evil.appKey)!;
		expect(evilRow[6]).toBeNull();
		expect(evilRow[7]).toBe('Inactive');
		expect(external).toEqual([EXTERNAL_HEADER, [keyId('vtexappkey-partnerco-QWERTY'), 'vtexappkey-partnerco-QWERTY', 'Logistics - Read only', 'partnerco', expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), 'Active']]);
	});

	it('writes CSV (RFC 4180, formulas neutralized) as two files, and JSON with the same fields', async () => {
		const dir = tempDir();
		const {cli, evil, erp} = shared;
		const file = join(dir, 'keys.csv');
		expect((await cli(['export', '--output', file])).stdout).toBe(`Exported 2 generated keys and 1 external key to ${file} and ${join(dir, 'keys.external.csv')}\n`);
		const csv = readFileSync(file, 'utf8');
		expect(csv.split('\r\n')[0]).toBe(quotedLine(GENERATED_HEADER));
		expect(csv).toContain(`,"${erp.appKey}","OMS - Full access, Checkout Admin","ERP, ""main""",`);
		expect(csv).toContain(`,"${evil.appKey}","","'=cmd|"" /C calc""!A0",`);
		expect(csv.endsWith('\r\n')).toBe(true);
		expect(readFileSync(join(dir, 'keys.external.csv'), 'utf8').split('\r\n')[0]).toBe(quotedLine(EXTERNAL_HEADER));
		const json = JSON.parse((await cli(['export', '--format', 'json', '--output', '-'])).stdout);
		expect(Object.keys(json.generated[0])).toEqual(GENERATED_HEADER);
		expect(Object.keys(json.external[0])).toEqual(EXTERNAL_HEADER);
		expect((await cli(['export', '--format', 'csv', '--sheet', 'external', '--output', '-'])).stdout.split('\r\n')[0]).toBe(quotedLine(EXTERNAL_HEADER));
	});

	it('never exports a token, a digest or a link, in any format', async () => {
		const dir = tempDir();
		const {cli, secrets, digests} = shared;
		const outputs = [
			(await cli(['export', '--format', 'json', '--output', '-'])).stdout,
			(await cli(['export', '--format', 'csv', '--sheet', 'generated', '--output', '-'])).stdout,
		];
		await cli(['export', '--output', join(dir, 'k.xlsx')]);
		const sheets = await readXlsxFile(join(dir, 'k.xlsx'));
		outputs.push(JSON.stringify(sheets), readFileSync(join(dir, 'k.xlsx')).toString('latin1'));
		for (const text of outputs) {
			expect(text).not.toMatch(TOKEN_IN_TEXT);
			expect(text).not.toContain('credentials/');
			for (const secret of [...secrets, ...digests]) expect(text).not.toContain(secret);
		}
	});

	it('never overwrites a file, and refuses bad options in one line', async () => {
		const dir = tempDir();
		const {cli} = shared;
		const file = join(dir, 'taken.xlsx');
		writeFileSync(file, 'mine');
		expect(await cli(['export', '--output', file])).toMatchObject({code: 1, stderr: `apikeys: ${file} already exists: choose another name or remove it first\n`});
		expect(readFileSync(file, 'utf8')).toBe('mine');
		expect((await cli(['export', '--format', 'pdf'])).stderr).toBe('apikeys: --format is xlsx, csv or json\n');
		expect((await cli(['export', '--format', 'xlsx', '--output', '-'])).code).toBe(2);
		expect((await cli(['export', '--output', join(dir, 'missing', 'x.xlsx')])).stderr).toMatch(/its directory does not exist/);
	});

	it('when the External CSV is refused, the Generated one it wrote first is removed', async () => {
		const dir = tempDir();
		const {cli} = shared;
		const before = readdirSync(dir);
		writeFileSync(join(dir, 'keys.external.csv'), 'mine');
		const result = await cli(['export', '--output', join(dir, 'keys.csv')]);
		expect(result).toMatchObject({code: 1, stdout: '', stderr: `apikeys: ${join(dir, 'keys.external.csv')} already exists: choose another name or remove it first\n`});
		expect(readFileSync(join(dir, 'keys.external.csv'), 'utf8')).toBe('mine');
		expect(readdirSync(dir).sort()).toEqual([...before, 'keys.external.csv'].sort());
	});
});

eachStore('apikeys export and roles remove, on a store each', stores => {
	it('quotes every CSV field, so a ";" list separator splits no cell into a formula', async () => {
		const dir = tempDir();
		const {cli} = await populated(await stores.fresh());
		expect((await cli(['generate', '--name', 'x;=1+1'])).code).toBe(0);
		const file = join(dir, 'semicolon.csv');
		expect((await cli(['export', '--output', file])).code).toBe(0);
		const lines = readFileSync(file, 'utf8').split('\r\n').filter(Boolean);
		for (const line of lines) {
			for (const separator of [',', ';']) expect(cellsOf(line, separator).filter(cell => /^[=+\-@]/.test(cell))).toEqual([]);
			expect(line).toMatch(/^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/);
		}
		const row = lines.find(line => line.includes('x;=1+1'))!;
		expect(cellsOf(row, ',')[3]).toBe('x;=1+1');
		const piped = (await cli(['export', '--format', 'csv', '--sheet', 'generated', '--output', '-'])).stdout;
		expect(piped).toContain('"x;=1+1"');
	});

	it('removes an unused custom role and refuses one still held, saying by whom', async () => {
		const {cli, erp} = await populated(await stores.fresh());
		expect((await cli(['roles', 'add', 'Auditor', '--resource', 'View API Keys'])).code).toBe(0);
		expect((await cli(['edit', erp.appKey, '--add-role', 'Auditor'])).code).toBe(0);
		expect(await cli(['roles', 'remove', 'Auditor', '--yes'])).toMatchObject({
			code: 1,
			stderr: `apikeys: role "Auditor" is still held by 1 holder (${erp.appKey}): take it away from them first\n`,
		});
		expect((await cli(['roles', 'remove', 'OMS - Read only', '--yes'])).stderr).toBe('apikeys: "OMS - Read only" is a predefined role and cannot be removed\n');
		expect((await cli(['edit', erp.appKey, '--remove-role', 'Auditor'])).code).toBe(0);
		expect((await cli(['roles', 'remove', 'Auditor'])).code).toBe(2);
		expect((await cli(['roles', 'remove', 'auditor', '--yes'])).stdout).toBe('Removed role Auditor.\n');
	});
});

describe('apikeys export from a store file', () => {
	it('escapes in CSV what a terminal would act on, from a store written before names were checked', async () => {
		const data = freshStore();
		const random = seededRandom('csv-escape');
		data.keys.push({appKey: 'appkey-acme-ESCAPE', name: 'ev\u001b]0;T\u0007il \u202e', roles: [], created: data.created, createdBy: 'alice', active: true, token: tokenRecord(mintToken(random(32)), data.created)});
		data.revision = 2;
		const store = join(tempDir(), 'store.json');
		writeFileSync(store, serializeStore(data), {mode: 0o600});
		const piped = await runCli(['export', '--format', 'csv', '--sheet', 'generated', '--output', '-'], {store});
		expect(piped.code).toBe(0);
		expect(piped.stdout).not.toMatch(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e]/);
		expect(piped.stdout).toContain('ev\\e]0;T\\x07il \\u{202e}');
	});

	it('exports 10 000 keys to an XLSX that reads back whole', async () => {
		const data = freshStore('acme', 'alice', Date.now() - 400 * DAY);
		const random = seededRandom('bulk');
		for (let i = 0; i < 10_000; i++) {
			const created = Date.now() - (i % 700) * DAY;
			data.keys.push({
				appKey: `appkey-acme-${String.fromCharCode(65 + (i % 26), 65 + (Math.floor(i / 26) % 26), 65 + (Math.floor(i / 676) % 26))}AAA`,
				name: `Integration ${i}`,
				roles: ['OMS - Read only'],
				created,
				createdBy: 'alice',
				active: i % 10 !== 0,
				token: tokenRecord(mintToken(random(32)), created),
			});
		}
		data.revision = 1;
		const dir = tempDir();
		const store = join(dir, 'store.json');
		writeFileSync(store, serializeStore(data), {mode: 0o600});
		const result = await runCli(['export', '--output', join(dir, 'big.xlsx')], {store});
		expect(result.stdout).toBe(`Exported 10000 generated keys and 0 external keys to ${join(dir, 'big.xlsx')}\n`);
		const [generated] = await readXlsxFile(join(dir, 'big.xlsx'));
		expect(generated!.data).toHaveLength(10_001);
		const rows = generated!.data.slice(1);
		expect(new Set(rows.map(row => row[3]))).toEqual(new Set(data.keys.map(k => k.name)));
		// Oldest first: the creation dates never go back.
		const dates = rows.map(row => String(row[4]));
		expect(dates.every((date, i) => i === 0 || dates[i - 1]! <= date)).toBe(true);
	});
});

describe('export helpers', () => {
	it('neutralizes every formula trigger and quotes per RFC 4180', () => {
		for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(value)).toBe(`'${value}`);
		expect(neutralizeFormula('plain')).toBe('plain');
		expect(toCsv(['a', 'b'] as const, [{a: 'x,y', b: 'line\nbreak'}])).toBe('"a","b"\r\n"x,y","line\nbreak"\r\n');
		expect(toCsv(['a', 'b'] as const, [{a: 'plain', b: '=1'}])).toBe(`"a","b"\r\n"plain","'=1"\r\n`);
	});
});
