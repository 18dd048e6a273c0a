/** NO_COLOR (any non-empty value, see no-color.org) or --no-color turns colour off. */
export const colourWanted = (env: NodeJS.ProcessEnv, noColorFlag: boolean) =>
	!noColorFlag && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
