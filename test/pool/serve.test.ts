// The basic path: edge run serves an app through the front and its workers.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-serve-');
after(async () => {
  await stopAllEdges();
  remove();
});

test('a request reaches the app through the front and comes back', async () => {
  writeFileSync(path.join(dir, 'app.mjs'), 'export default (req, res) => res.end(`hello ${req.method} ${req.url}`);\n');
  writeFileSync(path.join(dir, 'edge.conf'), 'workers 2;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; }\n');
  const edge = await startEdge(['run'], { cwd: dir });
  const res = await fetch(`${edge.url}/x?y=1`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'hello GET /x?y=1');
  const stopped = await edge.stop();
  assert.equal(stopped.code, 0);
});
