// The HTTP benchmark's baseline: a bare node:http server on the same port, read by the same client,
// that reads each request's body and answers a fixed JSON body of the verify API's size.
import {createServer} from 'node:http';

const port = Number(process.argv[2]);
const body = JSON.stringify({valid: true, code: 'VALID', appKey: 'appkey-acme-AAAAAA', name: 'ERP – SAP #0', roles: ['OMS - Full access'], tokenState: 'current'});
const server = createServer((request, response) => {
	request.resume();
	request.on('end', () => {
		response.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
		response.end(body);
	});
});
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
