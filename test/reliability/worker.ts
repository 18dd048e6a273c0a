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
}
