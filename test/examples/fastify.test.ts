// examples/fastify run unmodified under edge: a Fastify app that awaits
// fastify.listen({ port: 3000 }) itself serves through edge's front.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { startExample } from './helpers.ts';

const { dir, remove } = makeTempDir('edge-example-fastify-');
let edge: RunningEdge;

before(async () => {
  edge = await startExample('fastify', dir, { WEB_CONCURRENCY: '2' });
});
after(async () => {
  await stopAllEdges();
  remove();
});

test('routes answer through edge, from the workers', async () => {
  const pids = new Set<number>();
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${edge.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as { hello: string; pid: number };
    assert.equal(body.hello, 'fastify');
    pids.add(body.pid);
  }
  assert.ok(!pids.has(edge.pid), 'the app runs in workers, not in the master');
});

test('route parameters, 404s and JSON bodies', async () => {
  const item = await fetch(`${edge.url}/items/7`);
  assert.equal(item.status, 200);
  assert.deepEqual(await item.json(), { id: 7, name: 'item 7' });
  const missing = await fetch(`${edge.url}/items/zero`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'no such item' });
  const unknown = await fetch(`${edge.url}/nowhere`);
  assert.equal(unknown.status, 404);
  const created = await fetch(`${edge.url}/items`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'new' }),
  });
  assert.equal(created.status, 201);
  assert.deepEqual(await created.json(), { created: { name: 'new' } });
});

test('Fastify sees no second server: edge started cleanly', () => {
  assert.doesNotMatch(edge.output(), /second server|error/i);
});
