// examples/typescript run unmodified under edge: app.ts, loaded through Node's type
// stripping, exports an http.Server that is not listening; each worker binds it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { startExample } from './helpers.ts';

const { dir, remove } = makeTempDir('edge-example-ts-');
let edge: RunningEdge;

before(async () => {
  edge = await startExample('typescript', dir);
});
after(async () => {
  await stopAllEdges();
  remove();
});

test('the TypeScript app answers its routes', async () => {
  const root = await fetch(`${edge.url}/`);
  assert.equal(root.status, 200);
  assert.equal(root.headers.get('content-type'), 'application/json');
  const body = (await root.json()) as { hello: string; started: string };
  assert.equal(body.hello, 'typescript');
  assert.ok(!Number.isNaN(Date.parse(body.started)));
  const health = await fetch(`${edge.url}/health?verbose=1`);
  assert.deepEqual(await health.json(), { ok: true });
  const missing = await fetch(`${edge.url}/missing`, { method: 'DELETE' });
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'no route for DELETE /missing' });
});

test('it started without warnings or errors', () => {
  assert.doesNotMatch(edge.output(), /error|warn/i);
});
