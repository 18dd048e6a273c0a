// Types of replacements.mjs, which stays JavaScript so the build script runs it under Node as it is.
export interface InkReplacement {
	readonly name: string;
	readonly replaces: string;
	readonly importer: string;
	readonly standIn: string;
	readonly answers: string;
	readonly upstream: string;
}

export interface InkStandIns {
	readonly packages: readonly string[];
	readonly specifiers: RegExp;
	resolve(specifier: string, importer: string): string | undefined;
	inkBuildFile(specifier: string): string;
	unusedError(): string | undefined;
}

export const inkReplacements: ReadonlyArray<InkReplacement>;
export function inkStandIns(table?: ReadonlyArray<InkReplacement>, root?: string): InkStandIns;
export function esbuildInkStandIns(standIns?: InkStandIns): import('esbuild').Plugin;
export function viteInkStandIns(standIns?: InkStandIns): import('vitest/config').Plugin;
