import {useState} from 'react';

/** Which field of a dialog has the keyboard; driven by our own state, never Ink's focus manager. */
export function useFocusRing<Field extends string>(fields: readonly Field[], initial: Field) {
	const [index, setIndex] = useState(() => Math.max(0, fields.indexOf(initial)));
	const clamped = Math.min(index, fields.length - 1);
	return {
		field: fields[clamped]!,
		index: clamped,
		next: () => setIndex(i => (Math.min(i, fields.length - 1) + 1) % fields.length),
		previous: () => setIndex(i => (Math.min(i, fields.length - 1) - 1 + fields.length) % fields.length),
		focus: (field: Field) => setIndex(Math.max(0, fields.indexOf(field))),
	};
}
