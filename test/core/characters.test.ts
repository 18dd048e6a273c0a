import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {addExternalKey} from '../../source/core/external.js';
import {generateKey} from '../../source/core/keys.js';
import {validateKeyName} from '../../source/core/names.js';
import {addOperator, validateLogin} from '../../source/core/permissions.js';
import {addCustomRole} from '../../source/core/roles.js';
import {context, freshStore, refusal} from '../helpers.js';
import {FORBIDDEN_CLASSES, ORDINARY, hex, stringOf} from './unicode-samples.js';

const ctx = context();


/** A name with one code point of a forbidden class somewhere inside ordinary text. */
const nameWith = (codePoints: number[]) =>
	fc.tuple(fc.constantFrom(...ORDINARY), fc.constantFrom(...codePoints), fc.nat()).map(([text, codePoint, at]) => {
		const chars = [...text];
		const index = 1 + (at % (chars.length - 1));
		return {codePoint, name: [...chars.slice(0, index), stringOf(codePoint), ...chars.slice(index)].join('')};
	});

const combiningStack = fc
	.tuple(fc.constantFrom(...ORDINARY), fc.array(fc.integer({min: 0x0300, max: 0x034e}), {minLength: 5, maxLength: 40}))
	.map(([text, marks]) => `${text}e${String.fromCodePoint(...marks)}`);

describe('names, roles and logins refuse invisible and misleading characters', () => {
	it.each(Object.entries(FORBIDDEN_CLASSES))('%s: refused in key and role names, naming the code point', (_, codePoints) => {
		fc.assert(
			fc.property(nameWith(codePoints), ({codePoint, name}) => {
				expect(refusal(() => validateKeyName(name))).toContain(`a key name cannot contain ${hex(codePoint)}`);
				expect(refusal(() => addCustomRole(freshStore(), {name, resources: ['View orders']}, ctx))).toContain(
					`a role name cannot contain ${hex(codePoint)}`,
				);
				expect(refusal(() => validateLogin(`ana${stringOf(codePoint)}li`))).toContain('is not a login name');
				expect(refusal(() => addExternalKey(freshStore(), {appKey: `vtexappkey-partner-ABC${stringOf(codePoint)}DEF`, roles: []}, ctx))).toContain(
					'is not an appKey',
				);
			}),
			{numRuns: 200},
		);
	});

	it.each([
		['U+E0001 LANGUAGE TAG', '\u{e0001}', 'U+E0001'],
		['U+E0041 TAG LATIN CAPITAL A', '\u{e0041}', 'U+E0041'],
		['U+FFA0 HALFWIDTH HANGUL FILLER', '\uffa0', 'U+FFA0'],
		['U+115F HANGUL CHOSEONG FILLER', '\u115f', 'U+115F'],
		['U+1160 HANGUL JUNGSEONG FILLER', '\u1160', 'U+1160'],
		['U+3164 HANGUL FILLER', '\u3164', 'U+3164'],
		['U+2800 BRAILLE PATTERN BLANK', '\u2800', 'U+2800'],
		['U+200D ZERO WIDTH JOINER', '\u200d', 'U+200D'],
		['U+FE0F VARIATION SELECTOR-16', '\ufe0f', 'U+FE0F'],
		['U+E000 private use', '\ue000', 'U+E000'],
		['U+F0000 supplementary private use', '\u{f0000}', 'U+F0000'],
		['U+0085 NEXT LINE (C1)', '\u0085', 'U+0085'],
	])('%s in a name is refused', (_, char, label) => {
		expect(refusal(() => generateKey(freshStore(), {name: `ERP${char}sync`, roles: []}, ctx))).toBe(
			`a key name cannot contain ${label} (not a printable character)`,
		);
		expect(refusal(() => addCustomRole(freshStore(), {name: `Ops${char}`, resources: ['View orders']}, ctx))).toContain(`cannot contain ${label}`);
		expect(refusal(() => addOperator(freshStore(), {login: `ana${char}`, roles: ['OMS - Read only']}, ctx))).toContain('is not a login name');
	});

	it('40 combining marks on one letter are refused; 4 are not', () => {
		const zalgo = `ERP e${'\u0301'.repeat(40)}`;
		expect(refusal(() => validateKeyName(zalgo))).toBe('a key name cannot contain more than 4 combining marks in a row');
		expect(refusal(() => addCustomRole(freshStore(), {name: zalgo, resources: ['View orders']}, ctx))).toBe(
			'a role name cannot contain more than 4 combining marks in a row',
		);
		fc.assert(
			fc.property(combiningStack, name => {
				expect(refusal(() => validateKeyName(name))).toContain('combining marks');
			}),
		);
		expect(validateKeyName(`ERP e${'\u0301'.repeat(4)}`)).toBe(`ERP e${'\u0301'.repeat(4)}`);
	});

	it('emoji joined with U+200D or styled with U+FE0F are refused (invisible format characters); single emoji are not', () => {
		expect(refusal(() => validateKeyName('dev 👩‍💻'))).toContain('U+200D');
		expect(refusal(() => validateKeyName('love ❤️'))).toContain('U+FE0F');
		expect(validateKeyName('🔑 🇧🇷 👍🏽')).toBe('🔑 🇧🇷 👍🏽');
	});

	it('ordinary names in many scripts are accepted unchanged', () => {
		const ordinaryName = fc
			.array(fc.constantFrom(...ORDINARY), {minLength: 1, maxLength: 4})
			.map(parts => parts.join(' '))
			.filter(name => [...name].length <= 100);
		fc.assert(
			fc.property(ordinaryName, name => {
				expect(validateKeyName(name)).toBe(name);
				expect(addCustomRole(freshStore(), {name, resources: ['View orders']}, ctx).role.name).toBe(name);
			}),
		);
	});
});
