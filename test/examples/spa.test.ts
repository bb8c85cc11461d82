// examples/spa run unmodified under edge: a single-page app's built files served by the
// front (client-side routes get index.html through try_files), its hashed assets cached for
// good, and its API passed to the workers.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { exampleFile, startExample } from './helpers.ts';

const { dir, remove } = makeTempDir('edge-example-spa-');
let edge: RunningEdge;
const page = readFileSync(exampleFile('spa', 'site/index.html'), 'utf8');

before(async () => {
  edge = await startExample('spa', dir);
});
after(async () => {
  await stopAllEdges();
  remove();
});

test('the page, and any client-side route, is site/index.html from the front', async () => {
  for (const route of ['/', '/about', '/notes/42']) {
    const res = await fetch(`${edge.url}${route}`);
    assert.equal(res.status, 200, route);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/);
    assert.equal(await res.text(), page, route);
  }
});

test('assets are files with their types, cached for good, compressed when accepted', async () => {
  const res = await fetch(`${edge.url}/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(res.headers.get('cache-control') ?? '', /max-age=315360000/);
  assert.equal(res.headers.get('content-encoding'), 'gzip');
  // fetch decodes it: the bytes are the file's.
  assert.equal(await res.text(), readFileSync(exampleFile('spa', 'site/assets/app.js'), 'utf8'));
  const missing = await fetch(`${edge.url}/assets/nope.js`);
  assert.equal(missing.status, 404, 'a missing asset is a 404, not the page');
});

test('the API is the app: read, then add a note', async () => {
  const before = (await (await fetch(`${edge.url}/api/notes`)).json()) as unknown[];
  const created = await fetch(`${edge.url}/api/notes`, { method: 'POST', body: JSON.stringify({ text: 'from the test' }) });
  assert.equal(created.status, 201);
  const after = (await (await fetch(`${edge.url}/api/notes`)).json()) as Array<{ text: string }>;
  assert.equal(after.length, before.length + 1);
  assert.equal(after.at(-1)?.text, 'from the test');
  const unknown = await fetch(`${edge.url}/api/nope`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.headers.get('content-type') ?? '', /application\/json/);
});
