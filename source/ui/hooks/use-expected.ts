import {useRef} from 'react';
import {expectedOf, isConflictError, type Expected} from '../../core/conflict.js';
import {refused} from '../../core/errors.js';
import {formatTime} from '../../core/time.js';
import type {ActivityEntry, ExternalKey, GeneratedKey, Settings, StoreSnapshot} from '../../core/types.js';
import type {Dialog} from '../state.js';

/** What the open dialog showed when it opened: the service refuses to save over anything else. */
export interface ShownState {
	key?: Expected<GeneratedKey>;
	external?: Expected<ExternalKey>;
	settings?: Expected<Settings>;
}

/** Who made the change a dialog found, and when: in the one line a closed dialog leaves. */
function changedBy(entries: readonly ActivityEntry[]): string {
	const last = entries.at(-1);
	return last ? `: ${[...new Set(entries.map(e => e.operator))].join(', ')} changed it at ${formatTime(last.at)}` : ' already';
}

/** One dialog about one subject; a further step of it (Deactivate's second ask) keeps what the first showed. */
const dialogIdentity = (dialog: Dialog) =>
	`${dialog.kind}:${'appKey' in dialog ? dialog.appKey : 'externalKey' in dialog ? dialog.externalKey : ''}`;

/**
 * The state each dialog carries to its service call, taken from the data it was first drawn with;
 * after a conflict it becomes the state the service found, which the dialog then shows (ask again).
 */
export function useExpected(dialog: Dialog, data: StoreSnapshot) {
	const taken = useRef<{identity: string; shown: ShownState} | null>(null);
	const identity = dialogIdentity(dialog);
	if (taken.current?.identity !== identity) {
		const key = 'appKey' in dialog ? data.keys.find(k => k.appKey === dialog.appKey) : undefined;
		const external = 'externalKey' in dialog ? data.external.find(k => k.appKey === dialog.externalKey) : undefined;
		const shown: ShownState = {
			...(key ? {key: expectedOf(data, key)} : {}),
			...(external ? {external: expectedOf(data, external)} : {}),
			settings: expectedOf(data, data.settings),
		};
		taken.current = {identity, shown};
	}
	const current = taken.current;
	/**
	 * Runs a save with what was shown; on a conflict the dialog's basis moves to what the service
	 * found, and the person is asked again (`again`), unless what the dialog asks for already holds
	 * for the key (`settled` names its state): then `done` is told who left it so, and nothing is asked.
	 */
	const guard = async (which: keyof ShownState, again: string, work: () => Promise<void>, settled?: {state: (key: GeneratedKey) => string | null; done: (message: string) => void}) => {
		try {
			await work();
		} catch (error) {
			if (!isConflictError(error)) throw error;
			current.shown = {...current.shown, [which]: error.conflict.now};
			const key = which === 'key' ? (error.conflict.now.shown as GeneratedKey) : null;
			const state = key && settled ? settled.state(key) : null;
			if (key && settled && state) return settled.done(`${key.appKey} ${state}${changedBy(error.conflict.by)}.`);
			throw refused(`${error.message} ${again}`);
		}
	};
	return {shown: current.shown, guard};
}
