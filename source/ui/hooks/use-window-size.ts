import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface WindowSize {
	columns: number;
	rows: number;
}

const read = (stdout: NodeJS.WriteStream): WindowSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24});

/** The terminal's size, following live resizes. */
export function useWindowSize(): WindowSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => read(stdout));
	useEffect(() => {
		const onResize = () =>
			setSize(previous => {
				const next = read(stdout);
				return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
			});
		stdout.on('resize', onResize);
		onResize();
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
