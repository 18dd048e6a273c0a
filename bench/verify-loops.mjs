// Verify in process, in a process of its own (bench/verify.mjs starts it): openVerifier's loop and
// the bare crypto.hash + Map loop over the same tokens, in alternating turns, each from a
// collected heap. Measured in the bench's own process, after the terminal parts had run there,
// the ratio came out lower in full runs than in runs of this part alone (0.72 to 0.88 against
// 0.84 to 0.96 on one day): the loops' cost there carried the rest of the bench's history.
// Arguments: the bench library's bundle, the store, a file of [appKey, token] pairs (tokens never
// go on a command line), iterations per turn, turns. Prints {ours, bare}: each turn's milliseconds.
import {readFileSync} from 'node:fs';

const [libPath, store, pairsFile, iterations, turns] = process.argv.slice(2);
const lib = await import(libPath);
const pairs = JSON.parse(readFileSync(pairsFile, 'utf8'));
const verifier = await lib.openVerifier({store});
const digests = await lib.storeDigests(store);
const ours = [];
const bare = [];
for (let i = 0; i < Number(turns); i++) {
	globalThis.gc();
	ours.push(lib.verifierLoop(verifier, pairs, Number(iterations)));
	globalThis.gc();
	bare.push(lib.bareVerifyLoop(pairs, digests, Number(iterations)));
}
await verifier.close();
process.stdout.write(JSON.stringify({ours, bare}));
