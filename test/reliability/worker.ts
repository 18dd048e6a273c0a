// A separate process for the reliability suite (bundled by the tests with esbuild).
//   write PATH COUNT LABEL   make COUNT changes through the service; print "ack APPKEY REVISION MS" after each
import {writeSync} from 'node:fs';
import {ApiKeysService} from '../../source/service.js';

const [mode, path, a, b] = process.argv.slice(2);
const say = (line: string) => writeSync(1, `${line}\n`);

if (mode === 'write') {
	const service = await ApiKeysService.open(path!, {operator: 'alice'});
	for (let i = 0; i < Number(a); i++) {
		const started = performance.now();
		const {row} = await service.generate({name: `${b}-${i}`, roles: []});
		say(`ack ${row.appKey} ${service.revision} ${(performance.now() - started).toFixed(2)}`);
	}
	await service.close();
}

//   redeem LOCATION COUNT   COUNT redeems at once of the link on standard input; print "won APPKEY" or "lost REASON" for each
if (mode === 'redeem') {
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	const link = Buffer.concat(chunks).toString('utf8').trim();
	const service = await ApiKeysService.open(path!, {operator: 'alice'});
	const outcomes = await Promise.allSettled(Array.from({length: Number(a)}, () => service.redeem(link)));
	for (const outcome of outcomes) say(outcome.status === 'fulfilled' ? `won ${outcome.value.appKey}` : `lost ${(outcome.reason as Error).message}`);
	await service.close();
}
