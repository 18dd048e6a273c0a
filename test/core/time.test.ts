import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {DAY, DUE_SOON_DAYS, HOUR, MINUTE, addMonths, alertsAt, calendarAlert, renewalAlert, tokenAgeLabel} from '../../source/core/time.js';

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

	it('counts many keys as renewalAlert judges each one, month ends and every boundary included (alertsAt)', () => {
		// A token made near a month's end, and a moment near one of its boundaries (due soon, orange, red).
		const monthEnd = fc.record({year: fc.integer({min: 2021, max: 2029}), month: fc.integer({min: 0, max: 11}), day: fc.integer({min: 26, max: 31}), hour: fc.integer({min: 0, max: 23})});
		fc.assert(
			fc.property(
				monthEnd,
				fc.constantFrom(3 as const, 6 as const),
				fc.constantFrom(0, 3),
				fc.constantFrom(0, -DUE_SOON_DAYS * DAY),
				fc.integer({min: -3 * DAY, max: 3 * DAY}),
				fc.array(fc.integer({min: -500 * DAY, max: 30 * DAY}), {maxLength: 40}),
				({year, month, day, hour}, period, extra, soon, offset, others) => {
					const made = Date.UTC(year, month, Math.min(day, new Date(Date.UTC(year, month + 1, 0)).getUTCDate()), hour);
					const now = addMonths(made, period + extra) + soon + offset;
					const alertOf = alertsAt(period, now);
					// Every few hours for four days either side of that token, and tokens of any age.
					const created = [...Array.from({length: 65}, (_, i) => made + (i - 32) * 3 * HOUR + (i % 7) * 601_000), ...others.map(age => now - age)];
					for (const at of created) expect(alertOf(at), new Date(at).toISOString()).toBe(renewalAlert(at, period, now));
				},
			),
			{numRuns: 3000},
		);
	});
});
