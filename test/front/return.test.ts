// `return` with nginx variables, in a location and in a server (before any location): the
// plain-HTTP-to-HTTPS redirect is one line. Real edge, raw HTTP and fetch.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { mainScript, makeTempDir } from '../helpers/process.ts';
import { headOf, rawRequest } from '../helpers/raw-http.ts';

const { dir, remove } = makeTempDir('edge-return-');
let edge: RunningEdge;

before(async () => {
  writeFileSync(
    path.join(dir, 'edge.conf'),
    `
server {
    listen 127.0.0.1:0;
    server_name site.test;
    location /who { return 200 "$request_method $uri args=$args$is_args from $remote_addr over $scheme $server_protocol"; }
    location /plain { return 200 "costs $5"; }
    location / { return 404; }
}
server {
    listen 127.0.0.2:0;
    return 301 https://$host$request_uri;
}
`,
  );
  edge = await startEdge(['run', '--config', 'edge.conf'], { cwd: dir });
});

after(async () => {
  await stopAllEdges();
  remove();
});

// The second server's address, from edge's "serving on A, B" line.
function secondUrl(): string {
  const line = /serving on (\S+), (\S+)/.exec(edge.output());
  assert.ok(line, edge.output());
  return (line[2] as string).replace(/,$/, '');
}

test('a location return fills in the variables per request', async () => {
  const response = await fetch(`${edge.url}/who/./x%41?a=1`, { headers: { host: 'site.test' } });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), 'GET /who/xA args=a=1? from 127.0.0.1 over http HTTP/1.1\n');
});

test('an unknown variable is refused at load, with its position, instead of being served as text', () => {
  const file = path.join(dir, 'bad.conf');
  writeFileSync(file, 'server {\n    listen 127.0.0.1:0;\n    location / { return 200 "$nosuch"; }\n}\n');
  const result = spawnSync(process.execPath, [mainScript, 'check', '--config', file], { encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /bad\.conf:3:18: .*unknown variable "\$nosuch"/);
});

test('a server-level return redirects every request to HTTPS, before locations', async () => {
  const url = secondUrl();
  const { port } = new URL(url);
  const redirect = headOf(await rawRequest(url, `GET /a/b?c=d HTTP/1.1\r\nHost: example.com:${port}\r\nConnection: close\r\n\r\n`));
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), 'https://example.com/a/b?c=d');
  // No Host: nginx uses the server's name; this one has none.
  const http10 = headOf(await rawRequest(url, 'GET /x HTTP/1.0\r\n\r\n'));
  assert.equal(http10.headers.get('location'), 'https:///x');
});
