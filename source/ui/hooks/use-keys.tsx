import {useInput, type Key} from 'ink';
import {createContext, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode, type RefObject} from 'react';
import {PASTE_END, PASTE_START} from '../key-stream.js';

export type KeyHandler = (input: string, key: Key) => void;
export type PasteHandler = (text: string) => void;

interface Listener {
	key: KeyHandler;
	paste?: PasteHandler;
}

type Listeners = Set<RefObject<Listener>>;
type Received = {input: string; key: Key} | {paste: string};

const ListenersContext = createContext<Listeners | null>(null);

// What Ink makes of the markers key-stream.ts puts around a paste: the sequence without its ESC.
const pasteMarker = (sequence: string) => sequence.slice(1);

/**
 * The app's one subscription to Ink's input, made once with one stable handler. Keys are handed to
 * the listening handlers one at a time, each once React has committed what the key before it did:
 * a key typed sooner waits in a queue, so it meets the state, the dialog and the handlers the
 * previous key produced (Ink's own useInput re-subscribes in a passive effect after each render,
 * and a key that came first met the previous frame's handler). A bracketed paste goes only to the
 * handlers that take pastes (text fields, the search), as text: it is never read as command keys.
 */
export function KeysProvider({children}: {children: ReactNode}) {
	const [listeners] = useState<Listeners>(() => new Set());
	const queue = useRef<Received[]>([]);
	const waiting = useRef(false);
	// The text of a paste whose end marker has not come yet; null outside a paste.
	const pasting = useRef<string | null>(null);
	// Bumped with each key handed out: its commit, in which every handler is current, hands out the next.
	const [handedOut, setHandedOut] = useState(0);
	const handOut = useCallback(() => {
		const next = queue.current.shift();
		if (!next) return;
		waiting.current = true;
		setHandedOut(count => count + 1);
		for (const listener of [...listeners]) {
			if ('paste' in next) listener.current.paste?.(next.paste);
			else listener.current.key(next.input, next.key);
		}
	}, [listeners]);
	const receive = useCallback<KeyHandler>(
		(input, key) => {
			if (pasting.current === null) {
				if (input === pasteMarker(PASTE_START)) pasting.current = '';
				else queue.current.push({input, key});
			} else if (input === pasteMarker(PASTE_END)) {
				if (pasting.current) queue.current.push({paste: pasting.current});
				pasting.current = null;
			} else pasting.current += input;
			if (!waiting.current) handOut();
		},
		[handOut],
	);
	useInput(receive);
	// A parent's layout effect runs after its children's, so every handler below is current here.
	useLayoutEffect(() => {
		waiting.current = false;
		if (queue.current.length > 0) queueMicrotask(handOut);
	}, [handedOut, handOut]);
	return <ListenersContext.Provider value={listeners}>{children}</ListenersContext.Provider>;
}

/**
 * Calls `handler` with every key while `isActive`, and `onPaste` (if given) with the text of every
 * bracketed paste; the handlers may change every render at no cost.
 */
export function useKeys(handler: KeyHandler, {isActive = true, onPaste}: {isActive?: boolean; onPaste?: PasteHandler} = {}): void {
	const listeners = useContext(ListenersContext);
	if (!listeners) throw new Error('useKeys needs a KeysProvider above it');
	const latest = useRef<Listener>({key: handler, paste: onPaste});
	useLayoutEffect(() => {
		latest.current = {key: handler, paste: onPaste};
	});
	useLayoutEffect(() => {
		if (!isActive) return;
		listeners.add(latest);
		return () => void listeners.delete(latest);
	}, [listeners, isActive]);
}
