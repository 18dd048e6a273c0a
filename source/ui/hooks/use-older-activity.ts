import {useEffect, useRef, useState} from 'react';
import type {ActivityEntry} from '../../core/types.js';
import type {ApiKeysService} from '../../service.js';
import {grouped} from '../text.js';

/** Entries read at a time, as the selection nears the end of those read. */
const PAGE = 1000;
/** How near the end of the entries read the selection comes before the next page is read. */
const AHEAD = 200;

/**
 * The log's older entries in a store that holds only its newest ones (PostgreSQL): read a page at
 * a time as the Activity tab is scrolled towards them, never all at once. Returns them oldest
 * first (as an archive's), how many older entries there are in all, and a note while one is read.
 */
export function useOlderActivity(
	service: ApiKeysService,
	active: boolean,
	/** How many entries the store holds (the newest). */
	held: number,
	selectedIndex: number,
): {entries: readonly ActivityEntry[]; older: number; note: string | null} {
	const [read, setRead] = useState<{entries: readonly ActivityEntry[]; next: number | null; older: number; started: boolean}>({entries: [], next: null, older: 0, started: false});
	const [error, setError] = useState<string | null>(null);
	const reading = useRef(false);
	const wanted = active && (!read.started || (read.next !== null && selectedIndex >= held + read.entries.length - AHEAD));
	useEffect(() => {
		if (!wanted || reading.current) return;
		reading.current = true;
		service.olderActivity(read.started ? read.next : null, PAGE).then(
			page => {
				reading.current = false;
				setRead(previous => ({entries: [...page.entries.reverse(), ...previous.entries], next: page.next, older: page.older ?? previous.older, started: true}));
			},
			(failure: unknown) => {
				reading.current = false;
				setError(`Older activity could not be read: ${(failure as Error).message}`);
			},
		);
	}, [service, wanted, read]);
	// Only while the tab is in view: a number formatted for a locale costs, at every frame.
	const note = !active ? null : (error ?? (read.next !== null || !read.started ? `${grouped(read.entries.length)} older entries read; more are read as you scroll down.` : null));
	return {entries: read.entries, older: read.older, note};
}
