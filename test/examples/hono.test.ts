// examples/hono run unmodified under edge: a Hono app in the fetch form. Streamed responses
// arrive as they are written, request bodies (JSON, 5 MB, chunked) reach the app, and the
// fetch adapter's AbortSignal fires when the client goes away.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { startExample, waitForFile } from './helpers.ts';

const { dir, remove } = makeTempDir('edge-example-hono-');
let edge: RunningEdge;

before(async () => {
  edge = await startExample('hono', dir);
});
after(async () => {
  await stopAllEdges();
  remove();
});

test('a plain route answers', async () => {
  const res = await fetch(`${edge.url}/`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'Hello from Hono\n');
});

test('a streamed response arrives as it is written', async () => {
  const started = Date.now();
  const res = await fetch(`${edge.url}/stream`);
  assert.equal(res.status, 200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let firstAt = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (firstAt === 0 && text.includes('first\n')) firstAt = Date.now();
  }
  const endAt = Date.now();
  assert.equal(text, 'first\nsecond\n');
  // The app waits 300 ms between its two writes; the first must not wait for the second.
  assert.ok(endAt - firstAt >= 200, `first chunk at ${firstAt - started} ms, end at ${endAt - started} ms`);
});

test('a JSON body reaches the app', async () => {
  const res = await fetch(`${edge.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":[1,2,{"b":null}]}' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { received: { a: [1, 2, { b: null }] } });
});

test('a 5 MB upload reaches the app whole', async () => {
  const size = 5 * 1024 * 1024;
  const body = Buffer.alloc(size, 'edge');
  const res = await fetch(`${edge.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { bytes: size, type: 'application/octet-stream' });
});

test('a chunked upload of unknown length reaches the app whole', async () => {
  async function* parts(): AsyncGenerator<Buffer> {
    for (let i = 0; i < 64; i++) yield Buffer.alloc(16 * 1024, i);
  }
  const { statusCode, body } = await request(`${edge.url}/upload`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: Readable.from(parts()),
  });
  assert.equal(statusCode, 200);
  assert.deepEqual(await body.json(), { bytes: 64 * 16 * 1024, type: 'text/plain' });
});

test(
  'an upload sent with Expect: 100-continue (as curl does over 1 MB) reaches the app',
  async () => {
    const url = new URL(`${edge.url}/upload`);
    const size = 2 * 1024 * 1024;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        headers: { expect: '100-continue', 'content-length': size, 'content-type': 'application/octet-stream' },
        timeout: 5000,
      });
      req.on('continue', () => req.end(Buffer.alloc(size)));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
    });
    assert.equal(status, 200);
  },
);

test("the request's AbortSignal fires when the client goes away", async () => {
  // A fetch-form app of our own that records what it sees in files.
  const started = path.join(dir, 'started');
  const aborted = path.join(dir, 'aborted');
  writeFileSync(
    path.join(dir, 'fetch-app.mjs'),
    `import { writeFileSync } from 'node:fs';
export default {
  async fetch(request) {
    if (new URL(request.url).pathname !== '/wait') return new Response('ok');
    writeFileSync(${JSON.stringify(started)}, 'started');
    await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
    writeFileSync(${JSON.stringify(aborted)}, 'aborted: ' + request.signal.reason?.message);
    return new Response('too late');
  },
};
`,
  );
  writeFileSync(path.join(dir, 'fetch.conf'), 'workers 1;\napp { module fetch-app.mjs; }\nserver { listen 127.0.0.1:0; }\n');
  const app = await startEdge(['run', '--config', path.join(dir, 'fetch.conf')], { cwd: dir });
  const client = new AbortController();
  const pending = fetch(`${app.url}/wait`, { signal: client.signal });
  pending.catch(() => {});
  assert.equal(await waitForFile(started), 'started');
  client.abort();
  await assert.rejects(pending);
  assert.equal(await waitForFile(aborted), 'aborted: the client closed the connection');
  // The worker is still there for the next client.
  const next = await fetch(`${app.url}/again`, { signal: AbortSignal.timeout(5000) });
  assert.equal(await next.text(), 'ok');
  await app.stop();
});
