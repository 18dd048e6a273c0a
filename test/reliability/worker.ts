// A separate process for the reliability suite (bundled by the tests with esbuild).
//   write PATH COUNT LABEL   make COUNT changes through the service; print "ack APPKEY REVISION MS" after each
//   hold PATH STALE_MS SPIN_MS   take the lock, say "locked", spin SPIN_MS (to be paused), then change
import {writeSync} from 'node:fs';
import {ApiKeysService} from '../../source/service.js';
import {Store} from '../../source/store/store.js';

const [mode, path, a, b] = process.argv.slice(2);
const say = (line: string) => writeSync(1, `${line}\n`);

if (mode === 'write') {
	const service = await ApiKeysService.open(path!, {operator: 'alice'});
	for (let i = 0; i < Number(a); i++) {
		const started = performance.now();
		const {row} = await service.generate({name: `${b}-${i}`, roles: []});
		say(`ack ${row.appKey} ${service.store.revision} ${(performance.now() - started).toFixed(2)}`);
	}
} else if (mode === 'hold') {
	const store = await Store.open(path!, {staleMs: Number(a), retries: 2000});
	let attempts = 0;
	await store.transact(data => {
		attempts++;
		if (attempts === 1) {
			say('locked');
			const until = Date.now() + Number(b);
			while (Date.now() < until) {
				// Busy on purpose: the test pauses this process (SIGSTOP) while it holds the lock.
			}
		}
		data.settings.shareBaseUrl = 'http://held.example';
	});
	say(`ack attempts=${attempts} revision=${store.revision}`);
} else if (mode === 'change') {
	const store = await Store.open(path!, {staleMs: Number(a), retries: 2000});
	await store.transact(data => {
		data.account = 'changed-while-paused';
	});
	say(`ack revision=${store.revision}`);
}
