import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 120_000,
		hookTimeout: 120_000,
		// Child processes do the heavy lifting in the CLI tests; two cores here.
		maxWorkers: 2,
		// Ink colours through chalk, which sees no terminal under the runner: force it so colour tests mean something.
		env: {FORCE_COLOR: '3'},
	},
});
