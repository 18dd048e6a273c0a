import type {Command} from './context.js';
import {audit} from './audit.js';
import {deleteCommand} from './delete.js';
import {edit} from './edit.js';
import {exportCommand} from './export.js';
import {external} from './external.js';
import {generate} from './generate.js';
import {init} from './init.js';
import {list} from './list.js';
import {operators} from './operators.js';
import {deleteOldToken, renew, revokeLink, undoRenewal} from './renewal.js';
import {roles} from './roles.js';
import {serve} from './serve.js';
import {settings} from './settings.js';
import {store} from './store.js';
import {activate, deactivate} from './status.js';
import {redeem, verify} from './tokens.js';
import {verifyServer} from './verify-server.js';

export const COMMANDS: Record<string, Command> = {
	init,
	list,
	generate,
	edit,
	activate,
	deactivate,
	renew,
	'delete-old-token': deleteOldToken,
	'undo-renewal': undoRenewal,
	'revoke-link': revokeLink,
	delete: deleteCommand,
	redeem,
	verify,
	external,
	settings,
	roles,
	operators,
	audit,
	export: exportCommand,
	serve,
	'verify-server': verifyServer,
	store,
};
