/** "1 key", "2 keys", "1 entry", "3 entries": a count with its noun agreeing. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
	return `${count} ${count === 1 ? singular : plural}`;
}

/** "1 of 1 key", "3 of 40 keys": the noun agrees with the total. */
export function countedOf(shown: number, total: number, singular: string, plural = `${singular}s`): string {
	return `${shown} of ${counted(total, singular, plural)}`;
}
