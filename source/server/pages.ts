import {formatTime} from '../core/time.js';
import type {LinkView} from '../service.js';

const ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};

/** Text made safe for HTML element content and quoted attributes. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, char => ESCAPES[char]!);

export interface Page {
	status: number;
	title: string;
	body: string;
	/** Load the copy script (only the page that shows a token needs it). */
	script?: boolean;
}

export function renderPage(page: Page): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(page.title)} · apikeys</title>
<link rel="stylesheet" href="/assets/share.css">
</head>
<body>
<main>
${page.body}
</main>
${page.script ? '<script src="/assets/copy.js"></script>' : ''}
</body>
</html>
`;
}

const keyLine = (link: Pick<LinkView, 'appKey' | 'name'>) =>
	`<code>${escapeHtml(link.appKey)}</code>${link.name ? ` (${escapeHtml(link.name)})` : ''}`;

/** GET: what the link is for, and the button that reveals it. Consumes nothing. */
export function readyPage(link: LinkView, proof: string): Page {
	return {
		status: 200,
		title: 'Reveal API token',
		body: `<h1>Single-access link</h1>
<p>This link reveals the ${link.purpose === 'renew' ? 'renewed' : 'new'} token of the API key ${keyLine(link)}.</p>
<p>It works once, and only until ${escapeHtml(formatTime(link.expires))}. Nothing has been revealed yet: the token is shown when you press the button, and never again.</p>
<form method="post">
<input type="hidden" name="proof" value="${escapeHtml(proof)}">
<button type="submit" id="reveal">Reveal token</button>
</form>
<p class="hint">Make sure nobody can see your screen, and check that this page's address is the one you were given.</p>`,
	};
}

/** POST: the token, once, with a copy button. */
export function tokenPage(appKey: string, name: string, token: string): Page {
	return {
		status: 200,
		title: 'Your API token',
		script: true,
		body: `<h1>Your API token</h1>
<p>The token of ${keyLine({appKey, name})}. It is shown this once: save it in a safe place now.</p>
<p class="token"><code id="token">${escapeHtml(token)}</code></p>
<p><button type="button" id="copy">Copy</button> <span id="copied" role="status"></span></p>
<p class="hint">This link is now used up. If the token is lost, renew it in apikeys.</p>`,
	};
}

export const usedPage = (link: LinkView): Page => ({
	status: 410,
	title: 'Link already used',
	body: `<h1>This link was already used</h1>
<p>The token of ${keyLine(link)} was revealed at ${escapeHtml(formatTime(link.used ?? 0))}. A single-access link shows its token only once.</p>
<p class="hint">If that was not you, tell your administrator: the key's token should be renewed.</p>`,
});

export const expiredPage = (link: LinkView): Page => ({
	status: 410,
	title: 'Link expired',
	body: `<h1>This link has expired</h1>
<p>It expired at ${escapeHtml(formatTime(link.expires))} without being used. Ask your administrator for a new one.</p>`,
});

export const unknownPage: Page = {
	status: 404,
	title: 'Link not found',
	body: `<h1>This link is unknown or has expired</h1>
<p>Check that you copied the whole address, or ask your administrator for a new link.</p>`,
};

export const notFoundPage: Page = {status: 404, title: 'Not found', body: '<h1>Not found</h1>'};

export const refusedPage = (reason: string): Page => ({
	status: 403,
	title: 'Not revealed',
	body: `<h1>The token was not revealed</h1>
<p>${escapeHtml(reason)}</p>
<p>Open the link in your browser and press <strong>Reveal token</strong> on its page.</p>`,
});

export const unavailablePage: Page = {
	status: 503,
	title: 'Unavailable',
	body: '<h1>The key store cannot be read right now</h1><p>Nothing was revealed and the link was not used. Try again later.</p>',
};

export const STYLESHEET = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; padding: 2rem 1rem; }
main { max-width: 40rem; margin: 0 auto; line-height: 1.5; }
h1 { font-size: 1.4rem; }
code { font-family: ui-monospace, monospace; }
.token code { display: block; padding: .75rem; border: 1px solid; border-radius: .4rem; word-break: break-all; user-select: all; }
button { font: inherit; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid; cursor: pointer; }
.hint { opacity: .75; font-size: .9rem; }
`;

export const COPY_SCRIPT = `'use strict';
document.getElementById('copy').addEventListener('click', async () => {
	const token = document.getElementById('token').textContent;
	const status = document.getElementById('copied');
	try {
		await navigator.clipboard.writeText(token);
		status.textContent = 'Copied.';
	} catch {
		const range = document.createRange();
		range.selectNodeContents(document.getElementById('token'));
		const selection = window.getSelection();
		selection.removeAllRanges();
		selection.addRange(range);
		status.textContent = 'Selected: press Ctrl+C (Cmd+C) to copy.';
	}
});
`;
