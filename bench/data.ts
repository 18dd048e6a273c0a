// The keys both bench stores hold (the file and PostgreSQL alike), made one at a time from their number.
import {randomBytes} from 'node:crypto';
import {DAY} from '../source/core/time.js';
import {mintToken, tokenRecord} from '../source/core/token.js';
import type {ActivityEntry, GeneratedKey} from '../source/core/types.js';

const SYSTEMS = ['ERP', 'Marketplace', 'Payments', 'Fulfillment', 'BI export', 'Call center', 'Checkout', 'Pricing', 'Catalog import', 'Carrier rates', 'Loyalty', 'Returns', 'Tax', 'Search indexer', 'Warehouse'];
const VENDORS = ['SAP', 'Amazon', 'Adyen', 'ShipBob', 'Looker', 'Zendesk', 'Avalara', 'Algolia', 'Klaviyo', 'NetSuite', 'Yotpo', 'Loop', 'Signifyd', 'FedEx', 'Correios'];
const ROLES = ['OMS - Full access', 'OMS - Read only', 'Logistics - Full access', 'Catalog - Read only', 'Payments Notifier', 'Checkout Admin', 'Finance - Full access'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const suffix = (i: number) => Array.from({length: 6}, (_, d) => LETTERS[Math.floor(i / 26 ** d) % 26]).join('');

/** When key `i` was made: ages spread over two years, at whole hours. */
export const createdAt = (i: number, now: number) => now - Math.floor(((i * 7919) % 730) * DAY + (i % 24) * 3_600_000);
export const appKeyAt = (i: number) => `appkey-acme-${suffix(i)}`;
export const nameAt = (i: number) => `${SYSTEMS[i % SYSTEMS.length]} – ${VENDORS[(i * 7) % VENDORS.length]} #${i}`;

/**
 * Key `i` of a bench store, both stores alike: several roles, some pending renewals, some
 * inactive, some used lately; `token` is its current token in clear.
 */
export function benchKey(i: number, operator: string, now: number): {key: GeneratedKey; token: string} {
	const created = createdAt(i, now);
	const token = mintToken(randomBytes(32));
	const key: GeneratedKey = {
		appKey: appKeyAt(i),
		name: nameAt(i),
		// Key GATEWAY is the verify server's caller in the HTTP benchmark.
		roles: i === GATEWAY ? ['Key verifier'] : [ROLES[i % ROLES.length]!, ...(i % 3 === 0 ? [ROLES[(i + 2) % ROLES.length]!] : [])],
		created,
		createdBy: operator,
		active: i % 11 !== 0,
		token: tokenRecord(token, created),
		...(i % 97 === 0 ? {oldToken: tokenRecord(mintToken(randomBytes(32)), created - 200 * DAY)} : {}),
		...(i % 4 === 0 ? {lastUsed: now - (i % 5000) * 60_000} : {}),
	};
	return {key, token};
}

/** The log that use leaves for key `i`: generate, an edit, a renewal (entry 0, 1, 2). */
export function benchActivity(i: number, entry: number, operator: string, now: number): ActivityEntry {
	const at = createdAt(i, now) + entry * DAY;
	const appKey = appKeyAt(i);
	if (entry === 0) return {at, operator, action: 'generate', appKey, summary: `name: ${nameAt(i)}`};
	if (entry === 1) return {at, operator, action: 'edit', appKey, summary: `roles: +${ROLES[i % ROLES.length]}`};
	return {at, operator, action: 'renew token', appKey, summary: 'delete old token: Later'};
}

/** The key whose token calls the verify server in the HTTP benchmark. */
export const GATEWAY = 2;

/** The keys whose tokens the verify loops check: active ones, not the keys the persist figures change. */
export const VERIFIED = (i: number, key: GeneratedKey) => i < 2000 && key.active && i > 2;

