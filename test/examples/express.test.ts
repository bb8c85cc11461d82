// examples/express run unmodified under edge: an Express app that calls app.listen(3000)
// itself sees the real client in req.ip / req.secure / req.protocol, gets request bodies,
// and its two cookies arrive as two Set-Cookie headers.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { exampleFile, startExample } from './helpers.ts';

type WhoAmI = { ip: string; port: number; secure: boolean; protocol: string; forwardedFor: string | null; forwardedProto: string | null; requestId: string | null };

const { dir, remove } = makeTempDir('edge-example-express-');
let edge: RunningEdge;

before(async () => {
  edge = await startExample('express', dir);
});
after(async () => {
  await stopAllEdges();
  remove();
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('req.ip is the client address and req.secure is false over plain HTTP', async () => {
  const res = await fetch(`${edge.url}/whoami`);
  assert.equal(res.status, 200);
  const who = (await res.json()) as WhoAmI;
  assert.equal(who.ip, '127.0.0.1');
  assert.equal(who.secure, false);
  assert.equal(who.protocol, 'http');
  assert.equal(who.forwardedFor, '127.0.0.1');
  assert.equal(who.forwardedProto, 'http');
  assert.match(who.requestId ?? '', uuid);
});

test("an untrusted client's forged X-Forwarded-* and X-Request-Id are replaced", async () => {
  const res = await fetch(`${edge.url}/whoami`, {
    headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-request-id': 'forged-id' },
  });
  const who = (await res.json()) as WhoAmI;
  assert.equal(who.ip, '127.0.0.1');
  assert.equal(who.secure, false);
  assert.equal(who.protocol, 'http');
  assert.equal(who.forwardedFor, '127.0.0.1');
  assert.equal(who.forwardedProto, 'http');
  assert.match(who.requestId ?? '', uuid);
});

test("edge's private header never reaches the app, even when a client sends one", async () => {
  for (const headers of [{}, { 'x-edge-client': '198.51.100.1 1 https' }]) {
    const res = await fetch(`${edge.url}/headers`, { headers });
    const seen = (await res.json()) as { headers: Record<string, string>; rawHeaders: string[] };
    assert.equal(seen.headers['x-edge-client'], undefined);
    assert.ok(!seen.rawHeaders.some((h) => h.toLowerCase() === 'x-edge-client'), JSON.stringify(seen.rawHeaders));
    assert.ok(!seen.rawHeaders.some((h) => h.includes('198.51.100.1')));
    assert.match(seen.headers['x-request-id'] ?? '', uuid);
  }
});

test('requests of different clients on one upstream connection each carry their own client', async () => {
  // One after another, each on a new client connection (its own port): the front reuses its
  // idle connection to the one worker, so the identity must change with every request.
  for (let i = 0; i < 4; i++) {
    const { port, who } = await new Promise<{ port: number; who: WhoAmI }>((resolve, reject) => {
      const req = http.get(`${edge.url}/whoami`, { agent: false }, (res) => {
        const port = res.socket.localPort ?? -1;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ port, who: JSON.parse(body) as WhoAmI }));
      });
      req.on('error', reject);
    });
    assert.equal(who.ip, '127.0.0.1');
    assert.equal(who.port, port);
  }
});

test('hop-by-hop headers, and those the client names in Connection, do not reach the app', async () => {
  const seen = await new Promise<{ headers: Record<string, string> }>((resolve, reject) => {
    const req = http.get(`${edge.url}/headers`, { headers: { connection: 'keep-alive, x-hop', 'x-hop': 'secret', 'keep-alive': 'timeout=5', te: 'trailers', 'x-kept': 'yes' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
  });
  assert.equal(seen.headers['x-hop'], undefined);
  assert.equal(seen.headers.te, undefined);
  assert.notEqual(seen.headers['keep-alive'], 'timeout=5');
  assert.equal(seen.headers['x-kept'], 'yes');
});

test('a JSON body reaches the app and comes back', async () => {
  const body = { name: 'edge', list: [1, 2, 3], nested: { ok: true } };
  const res = await fetch(`${edge.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { received: body });
});

test('two cookies arrive as two Set-Cookie headers', async () => {
  const { statusCode, headers, body } = await request(`${edge.url}/cookies`);
  assert.equal(statusCode, 200);
  await body.json();
  const cookies = headers['set-cookie'];
  assert.ok(Array.isArray(cookies), `set-cookie: ${JSON.stringify(cookies)}`);
  assert.equal(cookies.length, 2);
  assert.match(cookies[0] as string, /^session=abc123; Path=\/; HttpOnly; SameSite=Lax$/);
  assert.match(cookies[1] as string, /^theme=dark; Path=\/$/);
  const res = await fetch(`${edge.url}/cookies`);
  assert.deepEqual(res.headers.getSetCookie(), cookies);
});

test('unknown routes get Express 404 through edge', async () => {
  const res = await fetch(`${edge.url}/nope`);
  assert.equal(res.status, 404);
  assert.match(await res.text(), /Cannot GET \/nope/);
});

test('behind a trusted proxy, req.ip and req.secure come from its X-Forwarded-* headers', async () => {
  // The example's app with a configuration of our own: the test client stands for the proxy.
  const conf = path.join(dir, 'trusted.conf');
  writeFileSync(
    conf,
    `workers 1;\napp { module ${exampleFile('express', 'app.cjs')}; }\nserver { listen 127.0.0.1:0; trusted_proxies 127.0.0.1; }\n`,
  );
  const proxied = await startEdge(['run', '--config', conf], { cwd: dir });
  const res = await fetch(`${proxied.url}/whoami`, {
    headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-request-id': 'from-the-proxy' },
  });
  const who = (await res.json()) as WhoAmI;
  assert.equal(who.ip, '203.0.113.7');
  assert.equal(who.secure, true);
  assert.equal(who.protocol, 'https');
  assert.equal(who.forwardedFor, '203.0.113.7, 127.0.0.1');
  assert.equal(who.forwardedProto, 'https');
  assert.equal(who.requestId, 'from-the-proxy');
  // The same proxy forwarding a plain-HTTP request: not secure.
  const plain = (await (await fetch(`${proxied.url}/whoami`, { headers: { 'x-forwarded-for': '203.0.113.8', 'x-forwarded-proto': 'http' } })).json()) as WhoAmI;
  assert.equal(plain.ip, '203.0.113.8');
  assert.equal(plain.secure, false);
  await proxied.stop();
});
