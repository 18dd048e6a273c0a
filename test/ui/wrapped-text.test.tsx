import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';

describe('wrapped text', () => {
	it("starts a wrapped row at its word, not at the space the wrap broke at, and keeps a text's own indentation", () => {
		// The first row fills the 20 columns exactly: the space after it is where the wrap breaks.
		const app = render(
			<Box width={20} flexDirection="column">
				<Text>abcdefghij klmnopqrs tuvw xyz</Text>
				<Text>{'  indented, and long enough to wrap'}</Text>
			</Box>,
		);
		expect((app.lastFrame() ?? '').split('\n').map(row => row.trimEnd())).toEqual(['abcdefghij klmnopqrs', 'tuvw xyz', '  indented, and long', 'enough to wrap']);
		app.unmount();
	});
});

