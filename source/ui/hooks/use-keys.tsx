import {useInput, useStdout, type Key} from 'ink';
import {createContext, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode, type RefObject} from 'react';
import {isCommand} from '../keymap.js';

export type KeyHandler = (input: string, key: Key) => void;

type Listeners = Set<RefObject<KeyHandler>>;

/** Cursor to the top-left, then erase the screen: Ink writes its whole frame again after anything written through it. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';


const ListenersContext = createContext<Listeners | null>(null);

/**
 * The app's one subscription to Ink's input, made once with one stable handler. Keys are handed to
 * the listening handlers one at a time, each once React has committed what the key before it did:
 * a key typed sooner waits in a queue, so it meets the state, the dialog and the handlers the
 * previous key produced (Ink's own useInput re-subscribes in a passive effect after each render,
 * and a key that came first met the previous frame's handler). Ctrl-L is the app's own wherever
 * the focus is: it clears the screen and draws every line again, and no handler sees it.
 */
export function KeysProvider({children}: {children: ReactNode}) {
	const [listeners] = useState<Listeners>(() => new Set());
	const queue = useRef<Array<[string, Key]>>([]);
	const waiting = useRef(false);
	// Bumped with each key handed out: its commit, in which every handler is current, hands out the next.
	const [handedOut, setHandedOut] = useState(0);
	const {write} = useStdout();
	const handOut = useCallback(() => {
		const next = queue.current.shift();
		if (!next) return;
		waiting.current = true;
		setHandedOut(count => count + 1);
		for (const listener of [...listeners]) listener.current(...next);
	}, [listeners]);
	const receive = useCallback<KeyHandler>(
		(input, key) => {
			if (isCommand('app.redraw', input, key)) return write(CLEAR_SCREEN);
			queue.current.push([input, key]);
			if (!waiting.current) handOut();
		},
		[handOut, write],
	);
	useInput(receive);
	// A parent's layout effect runs after its children's, so every handler below is current here.
	useLayoutEffect(() => {
		waiting.current = false;
		if (queue.current.length > 0) queueMicrotask(handOut);
	}, [handedOut, handOut]);
	return <ListenersContext.Provider value={listeners}>{children}</ListenersContext.Provider>;
}

/** Calls `handler` with every key while `isActive`; the handler may change every render at no cost. */
export function useKeys(handler: KeyHandler, {isActive = true}: {isActive?: boolean} = {}): void {
	const listeners = useContext(ListenersContext);
	if (!listeners) throw new Error('useKeys needs a KeysProvider above it');
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	useLayoutEffect(() => {
		if (!isActive) return;
		listeners.add(latest);
		return () => void listeners.delete(latest);
	}, [listeners, isActive]);
}
