// A PostgreSQL verifier's first read of every key, in a worker thread (see PgSource.readAll):
// opens one connection with the configuration it is given, runs the given statements inside one
// snapshot, and posts the rows a page at a time, then the revision and the roles. A failure is
// posted as its first line and the fields connectionFailure words it from (a database's message
// carries no query parameter, and the configuration, with its password, is never posted back).
// Plain JavaScript, not TypeScript: the tests run this file as it is, from the sources; the
// package runs it from dist/chunks, where the build bundles it with the driver.
import {parentPort, workerData} from 'node:worker_threads';
import pg from 'pg';

const {config, statements} = workerData;
const client = new pg.Client(config);
client.on('error', () => undefined);
try {
	await client.connect();
	await client.query(statements.begin);
	const head = await client.query(statements.head);
	await client.query(statements.declare);
	// One page is read while the thread that started this one takes the one before: no more than
	// two pages are ever held, whatever the number of keys.
	const taken = () => new Promise(resolve => parentPort.once('message', resolve));
	let posted = null;
	for (;;) {
		const page = await client.query({text: statements.fetch, rowMode: 'array'});
		await posted;
		if (page.rows.length > 0) {
			posted = taken();
			parentPort.postMessage({rows: page.rows});
		}
		if (page.rows.length < statements.pageSize) break;
	}
	await posted;
	const roles = await client.query(statements.roles);
	await client.query('COMMIT');
	parentPort.postMessage({done: {revision: Number(head.rows[0]?.revision ?? 0), roles: roles.rows}});
} catch (error) {
	const {code, host, cert} = error ?? {};
	parentPort.postMessage({failure: {message: String(error?.message ?? error).split('\n')[0], code, host, cert: cert ? {subjectaltname: cert.subjectaltname} : undefined}});
} finally {
	await client.end().catch(() => undefined);
}
