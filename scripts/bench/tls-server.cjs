'use strict';
// The plain-Node TLS references of the benchmark's tls group: one Node 24 process answering
// every request with hello-app.cjs's "Hello, World!\n" (no app behind, like edge's and nginx's
// `return 200`), with the certificate the other setups use.
//   node tls-server.cjs https HOST PORT CERT KEY   https.createServer (HTTP/1.1; measured with wrk)
//   node tls-server.cjs h2 HOST PORT CERT KEY      http2.createSecureServer, the 'stream' API
//                                                  (HTTP/2 only; measured with h2load)
// SIGTERM stops it.

const fs = require('node:fs');
const http2 = require('node:http2');
const https = require('node:https');
const hello = require('./hello-app.cjs');

const [mode, host, port, cert, key] = process.argv.slice(2);
const tls = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };

let server;
if (mode === 'https') {
  server = https.createServer(tls, hello);
} else if (mode === 'h2') {
  // The core API: no req/res compatibility objects, the cheapest HTTP/2 answer Node gives.
  const BODY = 'Hello, World!\n';
  const HEADERS = { ':status': 200, 'content-type': 'text/plain', 'content-length': '14' };
  server = http2.createSecureServer(tls);
  server.on('stream', (stream) => {
    stream.respond(HEADERS);
    stream.end(BODY);
  });
} else {
  process.stderr.write('usage: tls-server.cjs https|h2 HOST PORT CERT KEY\n');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
server.listen(Number(port), host);
