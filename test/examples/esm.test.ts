// examples/esm run unmodified under edge: a plain ES module that awaits its set-up at top
// level before exporting a (req, res) handler; no worker takes requests before it is done.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { startExample } from './helpers.ts';

type Reply = { greeting: string; loadedBy: string; loadedAt: string; path: string; served: number; pid: number };

const { dir, remove } = makeTempDir('edge-example-esm-');
let edge: RunningEdge;
let startedAt: number;

before(async () => {
  startedAt = Date.now();
  edge = await startExample('esm', dir, { WEB_CONCURRENCY: '2' });
});
after(async () => {
  await stopAllEdges();
  remove();
});

test('the handler answers with the configuration read by top-level await', async () => {
  const res = await fetch(`${edge.url}/some/path?x=1`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json');
  const reply = (await res.json()) as Reply;
  assert.equal(reply.greeting, 'Hello from an ES module');
  assert.equal(reply.loadedBy, 'top-level await');
  assert.equal(reply.path, '/some/path?x=1');
  // The module finished loading (after its 200 ms of set-up) before edge said it was serving.
  assert.ok(Date.parse(reply.loadedAt) >= startedAt);
  assert.ok(reply.served >= 1);
});

test('every request is answered by a worker that has finished loading', async () => {
  const replies = await Promise.all(Array.from({ length: 12 }, async () => (await (await fetch(edge.url)).json()) as Reply));
  for (const reply of replies) {
    assert.equal(reply.loadedBy, 'top-level await');
    assert.notEqual(reply.pid, edge.pid);
  }
});
