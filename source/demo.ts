import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Reveal} from './core/keys.js';
import {USER_ADMIN_ROLE} from './core/roles.js';
import {DAY, HOUR, MINUTE, addMonths} from './core/time.js';
import type {Millis} from './core/types.js';
import {ApiKeysService} from './service.js';

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

const EXTERNAL: ReadonlyArray<[appKey: string, roles: string[]]> = [
	['vtexappkey-partnerco-QWERTY', ['OMS - Read only']],
	['vtexappkey-logisticshub-ASDFGH', ['Logistics - Read only']],
	['vtexappkey-agencydigital-ZXCVBN', ['OMS - Read only']],
	['appkey-marketplacex-POIUYT', ['Logistics - Read only']],
	['vtexappkey-payproc-LKJHGF', ['OMS - Read only']],
];

interface Step {
	at: Millis;
	run(): Promise<unknown>;
}

/** What a demo key's later steps need from its earlier ones. */
interface DemoKey {
	appKey: string;
	token: string;
}

/**
 * The demo's history: about 40 keys created over two years (orange and red alerts), renewals,
 * two pending, three keys deactivated, external keys, recent use. Every step is a service call
 * made at its own time on a fake clock, so the activity log says what each one really did.
 */
function history(owner: ApiKeysService, maria: ApiKeysService, now: Millis): Step[] {
	const start = addMonths(now, -26);
	const steps: Step[] = [
		{at: start + DAY, run: () => owner.addOperator({login: 'maria', roles: [USER_ADMIN_ROLE]})},
		{at: start + 2 * DAY, run: () => owner.addOperator({login: 'support-bot', roles: ['API Keys - Read only']})},
	];
	// A new token reaches its integration through the share page an hour after it is issued.
	const deliver = (service: ApiKeysService, key: DemoKey, reveal: Reveal, at: Millis) => {
		if (reveal.kind === 'token') key.token = reveal.token;
		else steps.push({at: at + HOUR, run: async () => (key.token = (await service.redeem(reveal.url, 'share page')).token)});
	};
	DEMO_KEYS.forEach(([name, roles], i) => {
		const who = i % 3 === 0 ? maria : owner;
		const key: DemoKey = {appKey: '', token: ''};
		// Creation times spread over two years, newest last.
		const created = Math.min(now - HOUR, addMonths(now, -24 + Math.floor((i * 24) / DEMO_KEYS.length)) + (i % 7) * DAY + (i % 5) * HOUR);
		steps.push({
			at: created,
			run: async () => {
				const {row, reveal} = await who.generate({name, roles});
				key.appKey = row.appKey;
				deliver(who, key, reveal, created);
			},
		});
		if (i % 4 === 1 && i < 30) {
			// Renewed some time after creation, so the current token is younger than the key.
			const renewed = Math.min(now - DAY, addMonths(created, 5));
			steps.push({at: renewed, run: async () => deliver(who, key, (await who.renew(key.appKey, 'now')).reveal, renewed)});
		}
		const deactivated = i === 12 || i === 31 || i === 36 ? now - (i % 9) * DAY - HOUR : null;
		if (deactivated !== null) steps.push({at: deactivated, run: () => owner.deactivate(key.appKey)});
		if (i === 5 || i === 20) {
			const renewed = now - (i === 5 ? 2 : 9) * DAY;
			steps.push({at: renewed, run: async () => deliver(owner, key, (await owner.renew(key.appKey, 'later')).reveal, renewed)});
		}
		// Most integrations authenticated recently (before any deactivation); a few never did.
		if (i % 6 !== 5) {
			const used = Math.min(now - ((i * 37) % 300) * 11 * MINUTE, (deactivated ?? now) - HOUR);
			steps.push({at: used, run: () => owner.verify(key.appKey, key.token)});
		}
	});
	EXTERNAL.forEach(([appKey, roles], i) => {
		steps.push({at: addMonths(now, -(i * 3 + 1)), run: () => owner.addExternal({appKey, roles})});
	});
	return steps;
}

/** Builds the demo store through the service in memory, then writes it to a fresh temporary directory; `remove` deletes it. */
export async function createDemoStore(operator: string, now = Date.now()): Promise<{path: string; remove(): void}> {
	const directory = mkdtempSync(join(tmpdir(), 'apikeys-demo-'));
	const path = join(directory, 'store.json');
	const remove = () => rmSync(directory, {recursive: true, force: true});
	try {
		let time = addMonths(now, -26);
		const owner = ApiKeysService.draft('acme', {operator, clock: () => time});
		const steps = history(owner, owner.as('maria'), now);
		// Steps add later steps (a link is used an hour after it is issued): take the earliest each time.
		while (steps.length > 0) {
			const next = steps.reduce((earliest, step, index) => (step.at < steps[earliest]!.at ? index : earliest), 0);
			const [step] = steps.splice(next, 1);
			time = step!.at;
			await step!.run();
		}
		await owner.saveAs(path);
		return {path, remove};
	} catch (error) {
		remove();
		throw error;
	}
}
