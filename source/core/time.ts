import type {Millis, RenewalPeriod} from './types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The same wall-clock instant `months` calendar months later (UTC), clamped to the month's last day. */
export function addMonths(at: Millis, months: number): Millis {
	const date = new Date(at);
	const day = date.getUTCDate();
	date.setUTCDate(1);
	date.setUTCMonth(date.getUTCMonth() + months);
	const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
	date.setUTCDate(Math.min(day, lastDay));
	return date.getTime();
}

/** Whole calendar months from `from` to `to` (0 when `to` is earlier). */
export function wholeMonthsBetween(from: Millis, to: Millis): number {
	if (to <= from) return 0;
	const a = new Date(from);
	const b = new Date(to);
	let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
	if (addMonths(from, months) > to) months--;
	return Math.max(0, months);
}

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** A token's age in words: "5 hours", "12 days", "3 months", "1 year 2 months". */
export function tokenAgeLabel(created: Millis, now: Millis): string {
	const elapsed = Math.max(0, now - created);
	if (elapsed < MINUTE) return 'just now';
	if (elapsed < HOUR) return plural(Math.floor(elapsed / MINUTE), 'minute');
	if (elapsed < DAY) return plural(Math.floor(elapsed / HOUR), 'hour');
	const months = wholeMonthsBetween(created, now);
	if (months === 0) return plural(Math.floor(elapsed / DAY), 'day');
	if (months < 12) return plural(months, 'month');
	const years = Math.floor(months / 12);
	const rest = months % 12;
	return rest === 0 ? plural(years, 'year') : `${plural(years, 'year')} ${plural(rest, 'month')}`;
}

/** From least to most urgent: due soon warns before the period ends; orange and red are past due. */
export type AlertLevel = 'none' | 'due-soon' | 'orange' | 'red';

/** How long before the end of the renewal period a key is "due soon". */
export const DUE_SOON_DAYS = 14;

/**
 * Due soon in the last 14 days of the recommended period; orange once the token is older than the
 * period; red from 3 months past it. Counted from the current token's creation. The alert never
 * disables anything.
 */
export function renewalAlert(tokenCreated: Millis, period: RenewalPeriod, now: Millis): AlertLevel {
	// Most tokens are far from every boundary: an age past the longest possible months, or short of
	// the shortest, decides without the calendar (the footer counts every key of the store).
	const age = now - tokenCreated;
	if (age >= (period + 3) * LONGEST_MONTH) return 'red';
	if (age <= period * SHORTEST_MONTH - DUE_SOON_DAYS * DAY) return 'none';
	return calendarAlert(tokenCreated, period, now);
}

/** A month is at most 31 days; adding months to the 31st can land up to 3 days short of a 28-day step. */
const LONGEST_MONTH = 31 * DAY;
const SHORTEST_MONTH = 28 * DAY - 3 * DAY;

/** The rule itself, on the calendar. */
export function calendarAlert(tokenCreated: Millis, period: RenewalPeriod, now: Millis): AlertLevel {
	const due = addMonths(tokenCreated, period);
	if (now >= addMonths(tokenCreated, period + 3)) return 'red';
	if (now > due) return 'orange';
	if (now > due - DUE_SOON_DAYS * DAY) return 'due-soon';
	return 'none';
}

/**
 * Every token's renewal alert at one moment, for counting and filtering many keys (the footer's
 * counts at a million keys took 450 ms through the calendar): a token's due date grows with its
 * creation, so each level holds every token created before a boundary, found once by bisection.
 * Around a month's end two tokens up to four days apart can swap due dates (the 31st and the 28th
 * both land on the 28th of February, at their own hours), so within four days of a boundary the
 * calendar decides, exactly as renewalAlert.
 */
export function alertsAt(period: RenewalPeriod, now: Millis): (tokenCreated: Millis) => AlertLevel {
	const exact = (created: Millis) => renewalAlert(created, period, now);
	/** The latest creation (to the millisecond) at which `reached` holds, it holding for every older token but near it. */
	const boundary = (reached: (created: Millis) => boolean): Millis | null => {
		let lo = now - 40 * 366 * DAY;
		let hi = now + 400 * DAY;
		if (!reached(lo) || reached(hi)) return null;
		while (hi - lo > 1) {
			const mid = Math.floor((lo + hi) / 2);
			if (reached(mid)) lo = mid;
			else hi = mid;
		}
		return lo;
	};
	const red = boundary(created => now >= addMonths(created, period + 3));
	const orange = boundary(created => now > addMonths(created, period));
	const dueSoon = boundary(created => now > addMonths(created, period) - DUE_SOON_DAYS * DAY);
	if (red === null || orange === null || dueSoon === null) return exact;
	// Red is three months before orange, due soon 14 days after it: the windows come in that order.
	return created => {
		if (created <= red - SWAP_WINDOW) return 'red';
		if (created > dueSoon + SWAP_WINDOW) return 'none';
		if (created > red + SWAP_WINDOW && created <= orange - SWAP_WINDOW) return 'orange';
		if (created > orange + SWAP_WINDOW && created <= dueSoon - SWAP_WINDOW) return 'due-soon';
		return exact(created);
	};
}

/** Two creations at least this far apart keep their order once months are added to them. */
const SWAP_WINDOW = 4 * DAY + 1;

/** Orange and red: the token is older than the recommended period. */
export const isPastDue = (level: AlertLevel) => level === 'orange' || level === 'red';

const pad = (n: number) => String(n).padStart(2, '0');

/** "2026-11-23" (UTC). */
export function formatDate(at: Millis): string {
	const d = new Date(at);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** "2026-11-23 19:40 UTC". */
export function formatTime(at: Millis): string {
	const d = new Date(at);
	return `${formatDate(at)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

export const isoTime = (at: Millis) => new Date(at).toISOString();
