import {join} from 'node:path';
import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {App} from '../../source/ui/app.js';
import {ApiKeysService} from '../../source/service.js';
import {Store} from '../../source/store/store.js';
import {runCli, tempDir} from '../helpers.js';
import {fixtureData} from '../ui/fixtures.js';
import {renderSized} from '../ui/render.js';

const FULL = process.env.RELIABILITY === 'full';
const figure = (line: string) => console.log(`[reliability${FULL ? '' : ', fast'}] ${line}`);

/** Text meant to break a terminal or a parser: escapes, OSC 52, bidi, zero-width, C0/C1, huge, flag-like. */
const hostile = fc.oneof(
	fc.string({unit: 'binary', maxLength: 40}),
	fc.constantFrom('\u001b]52;c;aGk=\u0007', '\u001b[2J\u001b[H', '\u202eexe.txt', 'a\u200bb', '\u0000\u0007\u0008', '\u009b31m', '--yes', '--store=/etc/passwd', '-', '--', 'apikt_' + 'A'.repeat(49), '=cmd|" /C calc"!A0', '../../etc/shadow', 'x'.repeat(300), '鍵🔑ação', ''),
);

// Anything a terminal would act on: ESC, C0 but line feed, DEL, C1, bidi controls, zero-width.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

describe('hostile input on the command line', () => {
	it('never crashes, never prints a stack trace or a control byte, and answers in one line', async () => {
		// An argument cannot hold a NUL byte (argv is C strings); everything else goes.
		const argument = hostile.map(text => text.replaceAll('\u0000', ''));
		const command = fc.oneof(
			argument.map(x => ['generate', '--name', x]),
			fc.tuple(argument, argument).map(([k, r]) => ['edit', k, '--role', r]),
			argument.map(x => ['external', 'add', x]),
			argument.map(x => ['redeem', x]),
			fc.tuple(argument, argument).map(([n, r]) => ['roles', 'add', n, '--resource', r]),
			argument.map(x => ['settings', '--share-base-url', x]),
			argument.map(x => ['list', '--search', x]),
			fc.tuple(argument, argument).map(([a, b]) => [a, b]),
			argument.map(x => ['verify', '--key', x]),
		);
		const store = join(tempDir(), 'store.json');
		await runCli(['init', '--account', 'acme'], {store});
		let runs = 0;
		await fc.assert(
			fc.asyncProperty(command, async args => {
				runs++;
				const result = await runCli(args, {store, input: ''});
				expect([0, 1, 2]).toContain(result.code);
				expect(result.stderr).not.toMatch(/\n\s+at /);
				expect(result.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(1);
				if (result.code !== 0) expect(result.stderr).toMatch(/^apikeys: /);
				expect(result.stderr).not.toMatch(UNSAFE);
				expect(result.stdout).not.toMatch(/\u001b|[\u0080-\u009f\u202a-\u202e]/);
			}),
			{numRuns: FULL ? 300 : 25, seed: FULL ? undefined : 42},
		);
		figure(`hostile command lines: ${runs} runs, no crash, no stack trace, one-line errors, no control byte in the output`);
	});
});

describe('hostile data in the full-screen app', () => {
	it('no control, escape or bidi byte from data reaches the terminal, and every row keeps its width', async () => {
		let runs = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(fc.tuple(hostile, hostile), {minLength: 1, maxLength: 6}), fc.integer({min: 60, max: 160}), async (rows, columns) => {
				runs++;
				const data = fixtureData();
				rows.forEach(([name, role], i) => {
					const at = i % data.keys.length;
					// A store holds names and roles of at most 100 characters (a longer one is refused as damage, in test/store).
					data.keys[at] = {...data.keys[at]!, name: [...name].slice(0, 100).join(''), roles: [[...role].slice(0, 100).join('')]};
				});
				const path = join(tempDir(), 'store.json');
				await Store.create(path, data);
				const service = await ApiKeysService.open(path, {operator: 'alice'});
				const ui = renderSized(<App service={service} />, {columns, rows: 30}, {colour: true});
				const frame = await ui.waitFor('of 4 keys');
				const raw = (ui.lastFrame() ?? '').replace(/\u001b\[[0-9;]*m/g, '');
				expect(raw).not.toMatch(UNSAFE);
				for (const line of frame.split('\n').filter(l => /^[┌│├└▶]/.test(l))) expect(stringWidth(line)).toBe(columns);
				ui.unmount();
			}),
			{numRuns: FULL ? 300 : 30, seed: FULL ? undefined : 7},
		);
		figure(`hostile names and roles in the table: ${runs} renders at 60–160 columns, no unsafe byte reached the terminal, every row exactly as wide as the terminal`);
	});
});
