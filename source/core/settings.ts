import {validateKeyPrefix} from './appkey.js';
import {refused} from './errors.js';
import type {RenewalPeriod, RevealMode, Settings, StoreData} from './types.js';

export const DEFAULT_SHARE_BASE_URL = 'http://127.0.0.1:8470';

export const defaultSettings = (): Settings => ({
	renewalAlertMonths: 3,
	reveal: 'link',
	shareBaseUrl: DEFAULT_SHARE_BASE_URL,
	keyPrefix: 'appkey',
});

export function parseRenewalPeriod(value: string | number): RenewalPeriod {
	const months = Number(value);
	if (months !== 3 && months !== 6) throw refused('the renewal alert period is 3 or 6 (months)');
	return months;
}

export function parseRevealMode(value: string): RevealMode {
	if (value !== 'link' && value !== 'direct') throw refused('reveal is "link" or "direct"');
	return value;
}

/** An http(s) origin with an optional path; no credentials, query or fragment. */
export function validateShareBaseUrl(value: string): string {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw refused(`"${value.slice(0, 200)}" is not a URL (e.g. https://keys.example.com)`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('the share base URL must start with http:// or https://');
	if (url.username || url.password || url.search || url.hash) {
		throw refused('the share base URL cannot hold credentials, a query or a fragment');
	}
	return url.toString().replace(/\/+$/, '');
}

export type SettingsPatch = Partial<Settings>;

/** Applies validated changes; returns the summary of what changed, or null. */
export function updateSettings(data: StoreData, patch: SettingsPatch): string | null {
	const next: Settings = {...data.settings};
	if (patch.renewalAlertMonths !== undefined) next.renewalAlertMonths = parseRenewalPeriod(patch.renewalAlertMonths);
	if (patch.reveal !== undefined) next.reveal = parseRevealMode(patch.reveal);
	if (patch.shareBaseUrl !== undefined) next.shareBaseUrl = validateShareBaseUrl(patch.shareBaseUrl);
	if (patch.keyPrefix !== undefined) next.keyPrefix = validateKeyPrefix(patch.keyPrefix);
	const changes = (Object.keys(next) as Array<keyof Settings>)
		.filter(field => next[field] !== data.settings[field])
		.map(field => `${field}: ${data.settings[field]} → ${next[field]}`);
	data.settings = next;
	return changes.length > 0 ? changes.join('; ') : null;
}
