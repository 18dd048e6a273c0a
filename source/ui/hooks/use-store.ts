import {useCallback, useEffect, useRef, useState} from 'react';
import {StoreGoneError, StoreUnreachableError, isApiKeysError} from '../../core/errors.js';
import type {StoreSnapshot} from '../../core/types.js';
import type {ApiKeysService} from '../../service.js';

export interface StoreView {
	data: StoreSnapshot | null;
	/** While only a large store's newest keys are loaded (the first frame): how many keys it has. */
	keyCount: number | null;
	/** Bumps whenever the data changed, here or in another process. */
	revision: number;
	/** A new object whenever the data or its revision changes: what derived tables are memoised on. */
	snapshot: {readonly data: StoreSnapshot | null; readonly revision: number};
	/** Why the store cannot be shown (a corrupt file, a missing permission). */
	error: string | null;
	/** Why the data shown may be out of date while it stays on screen (the store file was deleted). */
	notice: string | null;
	refresh(): void;
	/** Takes what this process just wrote at once, so the frame after a change already shows it. */
	syncNow(): void;
}

type Shown = Omit<StoreView, 'refresh' | 'syncNow' | 'snapshot'>;

/**
 * Keeps the data on screen current: another admin's change shows within a second, through the
 * store's announcements where it makes them, else by polling (an unchanged file costs one stat()).
 */
export function useStore(service: ApiKeysService, intervalMs = 400): StoreView {
	// What the service already read on opening draws the first frame; no "loading" frame before it.
	// A large store was opened from its newest keys: they draw the first frame, the full read follows.
	const [view, setView] = useState<Shown>(() => {
		const preview = service.previewNow();
		const data = preview?.data ?? service.snapshotNow();
		return {data, revision: data?.revision ?? -1, error: null, notice: null, keyCount: preview?.keyCount ?? null};
	});
	const last = useRef<{data: StoreSnapshot | null; revision: number; gone: boolean}>({data: view.data, revision: view.revision, gone: false});
	const load = useCallback(async () => {
		try {
			const data = await service.snapshot();
			if (data !== last.current.data || data.revision !== last.current.revision || last.current.gone) {
				last.current = {data, revision: data.revision, gone: false};
				setView({data, revision: data.revision, error: null, notice: null, keyCount: null});
			}
		} catch (error) {
			// A deleted store, or a database out of reach, leaves its last read on screen with a word on
			// why nothing changes; the polls go on, and the first that reads again clears it.
			if ((error instanceof StoreGoneError || error instanceof StoreUnreachableError) && last.current.data) {
				const notice =
					error instanceof StoreUnreachableError
						? `the store is out of reach; the keys shown are the last read, retrying (${error.message})`
						: `${error.message}; the keys shown are the last read`;
				last.current = {...last.current, gone: true};
				setView(previous => (previous.notice === notice ? previous : {...previous, notice}));
				return;
			}
			last.current = {data: null, revision: -1, gone: false};
			const message = isApiKeysError(error) ? error.message : `unexpected error: ${(error as Error).message}`;
			setView(previous => (previous.error === message ? previous : {data: null, revision: -1, error: message, notice: null, keyCount: null}));
		}
	}, [service]);
	useEffect(() => {
		void load();
		// A store that announces its changes (PostgreSQL's NOTIFY) is read when it does, and polled
		// only seldom besides; a file is polled.
		const unwatch = service.watch(() => void load());
		const timer = setInterval(() => void load(), unwatch ? Math.max(intervalMs, 5000) : intervalMs);
		return () => {
			clearInterval(timer);
			unwatch?.();
		};
	}, [service, load, intervalMs]);
	const syncNow = () => {
		const data = service.snapshotNow();
		if (data && (data !== last.current.data || data.revision !== last.current.revision)) {
			last.current = {data, revision: data.revision, gone: false};
			setView({data, revision: data.revision, error: null, notice: null, keyCount: null});
		}
	};
	return {...view, snapshot: view, refresh: () => void load(), syncNow};
}
