import {chmodSync, chownSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {resolveStorePath} from '../../source/store/paths.js';
import {enforcePins, readSystemConfig, type SystemConfig} from '../../source/store/system-config.js';
import {tempDir} from '../helpers.js';

const root = process.getuid?.() === 0;

function configFile(content: string, {fileMode = 0o644, dirMode = 0o755} = {}): string {
	const dir = join(tempDir(), 'etc-apikeys');
	mkdirSync(dir, {mode: dirMode});
	chmodSync(dir, dirMode);
	const path = join(dir, 'config.json');
	writeFileSync(path, content, {mode: fileMode});
	chmodSync(path, fileMode);
	return path;
}

const CONFIG: SystemConfig = {path: '/etc/apikeys/config.json', store: '/var/lib/apikeys/data/store.json', serve: {}};
const SVC = 998;

describe('the system configuration', () => {
	it('is absent on most machines: nothing changes', () => {
		expect(readSystemConfig(join(tempDir(), 'none.json'))).toBeNull();
		expect(resolveStorePath('/tmp/x/store.json', {}, null, SVC)).toBe('/tmp/x/store.json');
	});

	it.skipIf(!root)('is read when root owns it and only root may write it', () => {
		const path = configFile(JSON.stringify({store: '/srv/apikeys/store.json', serve: {host: '127.0.0.1', port: 8470}}));
		expect(readSystemConfig(path)).toEqual({path, store: '/srv/apikeys/store.json', serve: {host: '127.0.0.1', port: '8470'}});
	});

	it.skipIf(!root)('is refused, and with it every command, when anyone but root could have written it', () => {
		const fix = (path: string) => `it decides the store: run "chown root:root ${path} ${join(path, '..')} && chmod 644 ${path} && chmod 755 ${join(path, '..')}"`;
		const loose = configFile('{"store": "/srv/s.json"}', {fileMode: 0o664});
		expect(() => readSystemConfig(loose)).toThrow(`${loose} must belong to root and be writable only by root; ${fix(loose)}`);
		const looseDir = configFile('{"store": "/srv/s.json"}', {dirMode: 0o777});
		expect(() => readSystemConfig(looseDir)).toThrow(`${join(looseDir, '..')} must belong to root and be writable only by root`);
		const foreign = configFile('{"store": "/srv/s.json"}');
		chownSync(foreign, 65534, 65534);
		expect(() => readSystemConfig(foreign)).toThrow(`${foreign} must belong to root and be writable only by root`);
	});

	it.skipIf(!root)('names what is wrong in its content', () => {
		expect(() => readSystemConfig(configFile('{"store": "relative.json"}'))).toThrow('"store" must be the absolute path of the store file');
		expect(() => readSystemConfig(configFile('{"store": "/s.json", "stor": 1}'))).toThrow('unknown field "stor" (known: store, serve)');
		expect(() => readSystemConfig(configFile('{"store": "/s.json", "serve": {"hots": "x"}}'))).toThrow('unknown field "serve.hots" (known: host, port, socket, socketGroup)');
		expect(() => readSystemConfig(configFile('{'))).toThrow('is not valid JSON');
	});

	it('fixes the store for everyone but root, whatever the option or the environment', () => {
		const refusal = (what: string) => `${what} is not accepted here: /etc/apikeys/config.json fixes the store and where it is served, and only root may choose otherwise`;
		expect(() => enforcePins(CONFIG, {store: '/home/mallory/x.json'}, {}, SVC)).toThrow(refusal('--store'));
		expect(() => enforcePins(CONFIG, {}, {APIKEYS_STORE: '/home/mallory/x.json'}, SVC)).toThrow(refusal('APIKEYS_STORE'));
		expect(() => enforcePins(CONFIG, {host: '0.0.0.0'}, {}, SVC)).toThrow(refusal('--host'));
		expect(() => enforcePins(CONFIG, {port: '80'}, {}, SVC)).toThrow(refusal('--port'));
		expect(() => enforcePins(CONFIG, {socket: '/var/lib/apikeys/planted.sock'}, {}, SVC)).toThrow(refusal('--socket'));
		expect(() => enforcePins(CONFIG, {output: '/var/lib/apikeys/data/store.json'}, {}, SVC)).toThrow('--output FILE is not accepted here');
		expect(() => enforcePins(CONFIG, {}, {}, SVC, 'export')).toThrow('export writes to standard output here (/etc/apikeys/config.json applies): add --output - and redirect it');
		// Naming the pinned store itself, or exporting to standard output, is fine.
		expect(() => enforcePins(CONFIG, {store: CONFIG.store, output: '-'}, {APIKEYS_STORE: CONFIG.store}, SVC)).not.toThrow();
		expect(resolveStorePath(undefined, {}, CONFIG, SVC)).toBe(CONFIG.store);
	});

	it('leaves root free to choose, and gives root the configured store by default', () => {
		expect(() => enforcePins(CONFIG, {store: '/root/other.json', host: '0.0.0.0'}, {APIKEYS_STORE: '/x.json'}, 0)).not.toThrow();
		expect(resolveStorePath('/root/other.json', {}, CONFIG, 0)).toBe('/root/other.json');
		expect(resolveStorePath(undefined, {}, CONFIG, 0)).toBe(CONFIG.store);
	});
});
