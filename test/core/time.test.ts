import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {DAY, HOUR, MINUTE, addMonths, calendarAlert, renewalAlert, tokenAgeLabel} from '../../source/core/time.js';

const t = (iso: string) => Date.parse(iso);

describe('token-age labels', () => {
	const created = t('2026-01-31T10:00:00Z');
	it.each([
		[0, 'just now'],
		[MINUTE, '1 minute'],
		[59 * MINUTE, '59 minutes'],
		[5 * HOUR, '5 hours'],
		[DAY, '1 day'],
		[12 * DAY, '12 days'],
	])('%i ms → %s', (elapsed, label) => {
		expect(tokenAgeLabel(created, created + elapsed)).toBe(label);
	});

	it('counts calendar months and years', () => {
		expect(tokenAgeLabel(t('2026-01-15T00:00:00Z'), t('2026-04-15T00:00:00Z'))).toBe('3 months');
		expect(tokenAgeLabel(t('2026-01-15T00:00:00Z'), t('2026-04-14T23:00:00Z'))).toBe('2 months');
		expect(tokenAgeLabel(t('2025-01-15T00:00:00Z'), t('2026-01-15T00:00:00Z'))).toBe('1 year');
		expect(tokenAgeLabel(t('2024-01-15T00:00:00Z'), t('2026-03-20T00:00:00Z'))).toBe('2 years 2 months');
	});

	it('clamps month arithmetic to the end of shorter months', () => {
		expect(new Date(addMonths(t('2026-01-31T10:00:00Z'), 1)).toISOString()).toBe('2026-02-28T10:00:00.000Z');
	});
});

describe('renewal alert', () => {
	const created = t('2026-01-15T00:00:00Z');
	it('is none up to 14 days before the period ends, due soon in those 14 days, orange past it, red from 3 months past it (3-month period)', () => {
		expect(renewalAlert(created, 3, t('2026-04-01T00:00:00Z'))).toBe('none');
		expect(renewalAlert(created, 3, t('2026-04-01T00:00:01Z'))).toBe('due-soon');
		expect(renewalAlert(created, 3, t('2026-04-15T00:00:00Z'))).toBe('due-soon');
		expect(renewalAlert(created, 3, t('2026-04-15T00:00:01Z'))).toBe('orange');
		expect(renewalAlert(created, 3, t('2026-07-14T23:59:59Z'))).toBe('orange');
		expect(renewalAlert(created, 3, t('2026-07-15T00:00:00Z'))).toBe('red');
	});

	it('moves with a 6-month period', () => {
		expect(renewalAlert(created, 6, t('2026-05-01T00:00:00Z'))).toBe('none');
		expect(renewalAlert(created, 6, t('2026-07-01T00:00:00Z'))).toBe('none');
		expect(renewalAlert(created, 6, t('2026-07-02T12:00:00Z'))).toBe('due-soon');
		expect(renewalAlert(created, 6, t('2026-07-16T00:00:00Z'))).toBe('orange');
		expect(renewalAlert(created, 6, t('2026-10-15T00:00:00Z'))).toBe('red');
	});

	it('counts the 14 days on the calendar: a token made on 31 January is due soon from 14 days before 30 April', () => {
		const lastOfJanuary = t('2026-01-31T08:00:00Z');
		expect(renewalAlert(lastOfJanuary, 3, t('2026-04-16T08:00:00Z'))).toBe('none');
		expect(renewalAlert(lastOfJanuary, 3, t('2026-04-16T08:00:01Z'))).toBe('due-soon');
		expect(renewalAlert(lastOfJanuary, 3, t('2026-04-30T08:00:01Z'))).toBe('orange');
	});

	it('answers as the calendar rule does for any token age (its shortcut for ages far from every boundary is exact)', () => {
		fc.assert(
			fc.property(
				fc.integer({min: t('2020-01-01T00:00:00Z'), max: t('2030-01-01T00:00:00Z')}),
				fc.integer({min: 0, max: 400 * DAY}),
				fc.constantFrom(3 as const, 6 as const),
				(tokenCreated, age, period) => {
					expect(renewalAlert(tokenCreated, period, tokenCreated + age)).toBe(calendarAlert(tokenCreated, period, tokenCreated + age));
				},
			),
			{numRuns: 5000},
		);
	});
});
