import pg from 'pg';

/** The channel every change is announced on, with its revision. */
export const CHANGES_CHANNEL = 'apikeys_changes';

/**
 * LISTENs for changes on a connection of its own, reopened with a growing pause (up to 5 s) when
 * it is lost: `onChange` for every change another connection commits, and once more each time it
 * (re)starts listening, to catch up with what it missed; `onListening` when it starts or stops.
 * Returns the way to stop. The store's app and the verifiers both follow a database this way.
 */
export function listenForChanges(config: pg.ClientConfig, onChange: () => void, onListening: (listening: boolean) => void = () => undefined): () => void {
	let stopped = false;
	let listener: pg.Client | null = null;
	let pause = 250;
	let timer: NodeJS.Timeout | null = null;
	const retry = () => {
		if (stopped) return;
		timer = setTimeout(() => void listen(), pause);
		// Waiting to reconnect keeps no process alive.
		timer.unref();
		pause = Math.min(pause * 2, 5000);
	};
	const listen = async () => {
		const client = new pg.Client(config);
		client.on('error', () => undefined);
		client.on('notification', () => onChange());
		client.on('end', () => {
			if (stopped || listener !== client) return;
			listener = null;
			onListening(false);
			retry();
		});
		try {
			await client.connect();
			await client.query(`LISTEN ${CHANGES_CHANNEL}`);
			if (stopped) return void client.end().catch(() => undefined);
			listener = client;
			pause = 250;
			onListening(true);
			onChange();
		} catch {
			await client.end().catch(() => undefined);
			retry();
		}
	};
	void listen();
	return () => {
		stopped = true;
		if (timer) clearTimeout(timer);
		void listener?.end().catch(() => undefined);
		listener = null;
	};
}

/**
 * Runs `work` between BEGIN (as given) and COMMIT on a client, rolled back when it fails. `begin`
 * may go on with statements of their own (without parameters), sent with BEGIN in one round trip;
 * `work` is given what they returned.
 */
export async function inTransaction<T>(client: pg.ClientBase, begin: string, work: (opened: pg.QueryResult[]) => Promise<T>): Promise<T> {
	try {
		// Inside the try: BEGIN may have run when a statement after it failed.
		const results = (await client.query(begin)) as pg.QueryResult | pg.QueryResult[];
		const result = await work(Array.isArray(results) ? results.slice(1) : []);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw error;
	}
}

export const SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
