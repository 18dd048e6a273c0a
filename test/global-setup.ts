import {privateServerReason} from './pg-server.js';
import {postgresReason} from './pg.js';
import {kindReason} from './store-kinds.js';

/** Says once per run, in one line each, which PostgreSQL tests skip and why (each skipped block's title says it too). */
export default function setup(): void {
	if (postgresReason) console.log(`PostgreSQL: the tests on the local server are skipped: ${postgresReason}`);
	else if (kindReason('postgres')) console.log(`PostgreSQL: the conformance suite runs on the file store only: ${kindReason('postgres')}`);
	if (privateServerReason) console.log(`PostgreSQL: the tests on a private server (restart, TLS) are skipped: ${privateServerReason}`);
}
