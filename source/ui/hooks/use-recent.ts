import {useRef} from 'react';
import {Recent} from '../recent.js';

/** A Recent cache that starts empty whenever one of `inputs` changes (compared with Object.is): what its values were made from. */
export function useRecent<K, V>(inputs: readonly unknown[]): Recent<K, V> {
	const held = useRef<{inputs: readonly unknown[]; recent: Recent<K, V>} | null>(null);
	const same = held.current?.inputs.length === inputs.length && inputs.every((input, i) => Object.is(input, held.current!.inputs[i]));
	if (!held.current || !same) held.current = {inputs, recent: new Recent<K, V>()};
	return held.current.recent;
}
