import {describe, expect, it} from 'vitest';
import {clipboardSend} from '../../source/ui/clipboard.js';

const PLAIN = '\u001b]52;c;aGk=\u0007';
const WRAPPED = '\u001bPtmux;\u001b\u001b]52;c;aGk=\u0007\u001b\\';

describe('sending to the clipboard (OSC 52)', () => {
	it('outside tmux: the plain sequence, said as sent, never as copied', () => {
		const send = clipboardSend('hi', 'outside');
		expect(send).toMatchObject({sequence: PLAIN, sent: true});
		expect(send.message).toContain("Sent to the terminal's clipboard");
		expect(send.message).not.toMatch(/copied/i);
	});

	it('in tmux with set-clipboard on: the plain sequence, which tmux keeps and passes on', () => {
		expect(clipboardSend('hi', {setClipboard: 'on', passthrough: false})).toMatchObject({sequence: PLAIN, sent: true});
		expect(clipboardSend('hi', {setClipboard: 'on', passthrough: true}).sequence).toBe(PLAIN);
	});

	it('in tmux with set-clipboard external or off: the passthrough wrapper only if allow-passthrough is on', () => {
		expect(clipboardSend('hi', {setClipboard: 'external', passthrough: true})).toMatchObject({sequence: WRAPPED, sent: true});
		expect(clipboardSend('hi', {setClipboard: 'off', passthrough: true}).sequence).toBe(WRAPPED);
	});

	it('in a tmux that drops both: sends nothing and says so, with the fix', () => {
		const send = clipboardSend('hi', {setClipboard: 'external', passthrough: false});
		expect(send).toMatchObject({sequence: null, sent: false});
		expect(send.message).toMatch(/^Not sent: .*set-clipboard external.*tmux set -g set-clipboard on/);
	});

	it("when tmux's options cannot be read: both forms, and says it may not have arrived", () => {
		const send = clipboardSend('hi', null);
		expect(send.sequence).toBe(PLAIN + WRAPPED);
		expect(send.message).toContain('may have dropped it');
	});
});
