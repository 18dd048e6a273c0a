import {join} from 'node:path';
import {recordActivity} from '../../source/core/activity.js';
import {addExternalKey} from '../../source/core/external.js';
import {deactivateKey, generateKey, renewToken} from '../../source/core/keys.js';
import {redeemLink} from '../../source/core/links.js';
import {addOperator} from '../../source/core/permissions.js';
import {DAY, addMonths} from '../../source/core/time.js';
import type {StoreData} from '../../source/core/types.js';
import {ApiKeysService} from '../../source/service.js';
import {Store} from '../../source/store/store.js';
import {context, freshStore, tempDir} from '../helpers.js';

export const NOW = Date.now();

/** A small store with one key in each state the table distinguishes. */
export function fixtureData(now = NOW): StoreData {
	const data = freshStore('acme', 'alice', addMonths(now, -12));
	const make = (name: string, roles: string[], created: number) => {
		const {key, reveal} = generateKey(data, {name, roles}, context(created));
		if (reveal.kind === 'link') redeemLink(data, reveal.url, context(created));
		recordActivity(data, {at: created, operator: 'alice', action: 'generate', appKey: key.appKey, summary: `name: ${name}`});
		return key;
	};
	make('ERP integration', ['OMS - Full access'], now - 5 * DAY);
	make('Marketplace feed', ['Catalog - Read only'], addMonths(now, -4));
	const legacy = make('Legacy bridge', ['Webservice - Full access'], addMonths(now, -8));
	deactivateKey(data, legacy.appKey);
	const payments = make('Payments webhook', ['Payments Notifier'], addMonths(now, -7));
	const renewal = renewToken(data, payments.appKey, 'later', context(now - 2 * DAY));
	if (renewal.reveal.kind === 'link') redeemLink(data, renewal.reveal.url, context(now - 2 * DAY));
	addExternalKey(data, {appKey: 'vtexappkey-partnerco-QWERTY', roles: ['OMS - Read only']}, context(now - 3 * DAY));
	addOperator(data, {login: 'viewer', roles: ['API Keys - Read only']}, context(now - DAY));
	return data;
}

export async function fixtureService(operator = 'alice', data = fixtureData()) {
	const path = join(tempDir(), 'store.json');
	await Store.create(path, data);
	const service = await ApiKeysService.open(path, {operator});
	const keyNamed = (name: string) => data.keys.find(k => k.name === name)!.appKey;
	return {path, service, data, keyNamed};
}
