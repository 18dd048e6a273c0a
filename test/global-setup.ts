import {privateServerReason} from './pg-server.js';
import {postgresReason} from './pg.js';

/** Says once per run, in one line each, which PostgreSQL tests skip and why (each skipped block's title says it too). */
export default function setup(): void {
	if (postgresReason) console.log(`PostgreSQL: the tests on the local server are skipped: ${postgresReason}`);
	if (privateServerReason) console.log(`PostgreSQL: the tests on a private server (restart, TLS) are skipped: ${privateServerReason}`);
}
