import {mkdtempSync, rmSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {recordActivity} from './core/activity.js';
import {addExternalKey} from './core/external.js';
import {deactivateKey, generateKey, renewToken} from './core/keys.js';
import {redeemLink} from './core/links.js';
import {addOperator} from './core/permissions.js';
import {emptyStore} from './core/empty-store.js';
import {DAY, HOUR, addMonths} from './core/time.js';
import type {RuleContext, StoreData} from './core/types.js';
import {Store} from './store/store.js';

const DEMO_KEYS: ReadonlyArray<[name: string, roles: string[]]> = [
	['ERP integration – SAP S/4HANA', ['OMS - Full access', 'Logistics - Full access']],
	['Marketplace feed – Amazon', ['Catalog - Read only', 'Pricing - Full access']],
	['Payments webhook – Adyen', ['Payments Notifier']],
	['Fulfillment – ShipBob', ['IntegrationProfile - Fulfillment Oms']],
	['BI export – Looker', ['OMS - Read only', 'Finance - Full access']],
	['Call center – Zendesk', ['Call center operator']],
	['Checkout customizations', ['Checkout Admin']],
	['Price sync – pricing engine', ['Pricing - Full access']],
	['Catalog import – PIM', ['Catalog - Full access']],
	['Carrier rates – FedEx', ['Logistics - Read only']],
	['Legacy SOAP bridge', ['Webservice - Full access']],
	['Customer service portal', ['Customers - Read only', 'OMS - Read only']],
	['Data warehouse nightly load', ['OMS - Read only']],
	['Mobile app backend', ['Checkout Admin', 'Catalog - Read only']],
	['Loyalty program – Antavo', ['Customers - Read only']],
	['Returns portal – Loop', ['OMS - Full access']],
	['Tax service – Avalara', ['Checkout Admin']],
	['Search indexer – Algolia', ['Catalog - Read only']],
	['Store locator', ['Logistics - Read only']],
	['Fraud screening – Signifyd', ['OMS - Read only', 'Payments Notifier']],
	['Email marketing – Klaviyo', ['Customers - Read only']],
	['Inventory sync – warehouse A', ['Logistics - Full access']],
	['Inventory sync – warehouse B', ['Logistics - Full access']],
	['Reviews – Yotpo', ['Catalog - Read only']],
	['Staging smoke tests', ['OMS - Read only']],
	['Gift cards provider', ['Payments Notifier', 'Checkout Admin']],
	['Subscription billing', ['Finance - Full access']],
	['Partner dashboard – 東京ストア', ['OMS - Read only']],
	['Accounting export – NetSuite', ['Finance - Full access']],
	['Analytics – GA4 enhanced ecommerce', ['OMS - Read only']],
	['Pick-up points – Correios', ['Logistics - Full access']],
	['Old POS integration', ['OMS - Full access']],
	['Headless storefront – Next.js', ['Catalog - Read only', 'Checkout Admin']],
	['Chatbot order status', ['OMS - Read only']],
	['Quarterly audit script', []],
	['ERP integration – backup', ['OMS - Full access']],
	['Promotions engine', ['Pricing - Full access']],
	['Drop-ship vendor portal', ['IntegrationProfile - Fulfillment Oms']],
	['Label printing service', ['Logistics - Read only']],
	['Sandbox experiments', []],
];

const EXTERNAL = ['vtexappkey-partnerco-QWERTY', 'vtexappkey-logisticshub-ASDFGH', 'vtexappkey-agencydigital-ZXCVBN', 'appkey-marketplacex-POIUYT', 'vtexappkey-payproc-LKJHGF'];

/**
 * A throwaway store with realistic keys: ages spread over two years (orange and red alerts),
 * two pending renewals, inactive keys, external keys and activity. Built through the core rules.
 */
export function demoData(operator: string, now: number): StoreData {
	const at = (time: number, who = operator): RuleContext => ({now: time, operator: who, random: bytes => randomBytes(bytes)});
	const data = emptyStore('acme', operator, addMonths(now, -26));
	recordActivity(data, {at: data.created, operator, action: 'create store', summary: 'account: acme'});
	addOperator(data, {login: 'maria', roles: ['User Administrator - RESTRICTED']}, at(data.created + DAY));
	addOperator(data, {login: 'support-bot', roles: ['API Keys - Read only']}, at(data.created + 2 * DAY));
	DEMO_KEYS.forEach(([name, roles], i) => {
		// Creation times spread over two years, newest last.
		const created = addMonths(now, -24 + Math.floor((i * 24) / DEMO_KEYS.length)) + (i % 7) * DAY + (i % 5) * HOUR;
		const who = i % 3 === 0 ? 'maria' : operator;
		const {key, reveal} = generateKey(data, {name, roles}, at(Math.min(created, now - HOUR), who));
		if (reveal.kind === 'link') redeemLink(data, reveal.url, at(key.created + HOUR, who));
		recordActivity(data, {at: key.created, operator: who, action: 'generate', appKey: key.appKey, summary: `name: ${name}`});
		if (i % 4 === 1 && i < 30) {
			// Renewed some time after creation, so the current token is younger than the key.
			const renewedAt = Math.min(now - DAY, addMonths(key.created, 5));
			const renewal = renewToken(data, key.appKey, 'now', at(renewedAt, who));
			if (renewal.reveal.kind === 'link') redeemLink(data, renewal.reveal.url, at(renewedAt + HOUR, who));
			recordActivity(data, {at: renewedAt, operator: who, action: 'renew token', appKey: key.appKey, summary: renewal.summary});
		}
		// Most integrations authenticated recently; a few never did.
		if (i % 6 !== 5) key.lastUsed = now - ((i * 37) % 300) * 11 * 60_000;
		if (i === 12 || i === 31 || i === 36) {
			deactivateKey(data, key.appKey);
			recordActivity(data, {at: now - (i % 9) * DAY - HOUR, operator, action: 'deactivate', appKey: key.appKey, summary: 'status: Active → Inactive'});
		}
		if (i === 5 || i === 20) {
			const renewedAt = now - (i === 5 ? 2 : 9) * DAY;
			const renewal = renewToken(data, key.appKey, 'later', at(renewedAt));
			if (renewal.reveal.kind === 'link') redeemLink(data, renewal.reveal.url, at(renewedAt + HOUR));
			recordActivity(data, {at: renewedAt, operator, action: 'renew token', appKey: key.appKey, summary: renewal.summary});
		}
	});
	EXTERNAL.forEach((appKey, i) => {
		const added = addMonths(now, -(i * 3 + 1));
		addExternalKey(data, {appKey, roles: i % 2 ? ['Logistics - Read only'] : ['OMS - Read only']}, at(added));
		recordActivity(data, {at: added, operator, action: 'external add', appKey, summary: 'roles: OMS - Read only'});
	});
	data.activity.sort((a, b) => a.at - b.at);
	return data;
}

/** Writes the demo store to a fresh temporary directory; `remove` deletes it. */
export async function createDemoStore(operator: string, now = Date.now()): Promise<{path: string; remove(): void}> {
	const directory = mkdtempSync(join(tmpdir(), 'apikeys-demo-'));
	const path = join(directory, 'store.json');
	await Store.create(path, demoData(operator, now));
	return {path, remove: () => rmSync(directory, {recursive: true, force: true})};
}
