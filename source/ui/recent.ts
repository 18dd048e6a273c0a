/**
 * A cache for what is on screen: values used in the current view and in the one before it are
 * kept, anything older is made again. Scrolling or moving the selection finds nearly every row
 * in the last view; a search shows new rows on every keystroke, and rows kept any longer would
 * outlive the garbage collector's young generation, so that each of its pauses copied them.
 */
export class Recent<K, V> {
	private last = new Map<K, V>();
	private current = new Map<K, V>();

	/** Starts a new view: what the last one used stays at hand, anything older goes. */
	turn(): void {
		if (this.current.size === 0) return;
		this.last = this.current;
		this.current = new Map();
	}

	get(key: K, make: (key: K) => V): V {
		let value = this.current.get(key);
		if (value === undefined) {
			value = this.last.get(key) ?? make(key);
			this.current.set(key, value);
		}
		return value;
	}
}
