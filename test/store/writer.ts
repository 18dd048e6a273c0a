// A separate process that makes `count` changes through the service and prints each acknowledged appKey.
import {ApiKeysService} from '../../source/service.js';

const [path, count, label] = process.argv.slice(2);
const service = await ApiKeysService.open(path!, {operator: 'alice'});
for (let i = 0; i < Number(count); i++) {
	const {row} = await service.generate({name: `${label}-${i}`, roles: ['OMS - Read only']});
	process.stdout.write(`${row.appKey}\n`);
}
