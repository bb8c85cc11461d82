// The open-file cache against the file system: within open_file_cache_valid a cached file is
// served from memory (old content, even deleted); after it, a changed file is served fresh
// and a deleted one answers 404. With the cache off, changes show at once; with
// open_file_cache_errors a missing file stays missing for the interval. A file too large to
// hold is opened per request, so its new version is sent whole, with its own length.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { get, startSite } from './helpers.ts';
import type { StaticEdge } from './helpers.ts';

const validMs = 2000;
let site: StaticEdge;

before(async () => {
  site = await startSite(
    'edge-static-cache-',
    {
      'public/changed.txt': 'version one\n',
      'public/deleted.txt': 'still here\n',
      'public/off.txt': 'off one\n',
      'public/large.bin': Buffer.alloc(3000, 'a'),
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`public/many/${i}.txt`, `${i}:${'x'.repeat(4000)}`])),
    },
    `workers 1;
app { module app.cjs; }
server {
    listen 127.0.0.1:0;
    open_file_cache max=100 inactive=60s;
    open_file_cache_valid ${validMs}ms;
    location /c/ { alias public/; }
    location /off/ { alias public/; open_file_cache off; }
    location /errors/ { alias public/; open_file_cache_errors on; }
    location /large/ { alias public/; open_file_cache_max_body 1k; }
    location /small/ { alias public/; open_file_cache_memory 16k; }
}
`,
  );
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

const file = (name: string): string => path.join(site.dir, 'public', name);
const text = async (p: string): Promise<string> => (await get(site.url + p)).text;
const status = async (p: string): Promise<number> => (await get(site.url + p)).status;

test('within open_file_cache_valid the cached file is served; after it, the change and the deletion', async () => {
  // Known to the cache (bodies read), a missing file looked for in both modes.
  assert.equal(await text('/c/changed.txt'), 'version one\n');
  assert.equal(await text('/c/deleted.txt'), 'still here\n');
  assert.equal(await text('/off/off.txt'), 'off one\n');
  assert.equal(await status('/errors/new.txt'), 404);
  assert.equal(await status('/c/new2.txt'), 404);
  const primed = Date.now();

  writeFileSync(file('changed.txt'), 'version two, longer\n');
  rmSync(file('deleted.txt'));
  writeFileSync(file('off.txt'), 'off two\n');
  writeFileSync(file('new.txt'), 'created\n');
  writeFileSync(file('new2.txt'), 'created too\n');

  const [changed, deleted, off, errors, noErrors] = await Promise.all([
    get(`${site.url}/c/changed.txt`),
    get(`${site.url}/c/deleted.txt`),
    get(`${site.url}/off/off.txt`),
    get(`${site.url}/errors/new.txt`),
    get(`${site.url}/c/new2.txt`),
  ]);
  assert.ok(Date.now() - primed < validMs, 'the checks ran within the interval (machine too slow otherwise)');
  assert.equal(changed.text, 'version one\n', 'cached: the old version, whole, with its own length');
  assert.equal(changed.headers['content-length'], '12');
  assert.equal(deleted.text, 'still here\n', 'cached: a deleted file is still served within the interval');
  assert.equal(off.text, 'off two\n', 'cache off: the change at once');
  assert.equal(errors.status, 404, 'open_file_cache_errors: still missing within the interval');
  assert.equal(noErrors.text, 'created too\n', 'without open_file_cache_errors a miss is not remembered');

  await new Promise((r) => setTimeout(r, validMs + 200 - (Date.now() - primed)));
  const fresh = await get(`${site.url}/c/changed.txt`);
  assert.equal(fresh.text, 'version two, longer\n');
  assert.equal(fresh.headers['content-length'], '20');
  assert.equal(await status('/c/deleted.txt'), 404);
  assert.equal(await text('/errors/new.txt'), 'created\n');
});

test('a file too large to hold is opened for each request: a new version is sent whole at once', async () => {
  assert.equal((await get(`${site.url}/large/large.bin`)).body.length, 3000);
  writeFileSync(file('large.bin'), Buffer.alloc(5000, 'b'));
  const got = await get(`${site.url}/large/large.bin`);
  assert.equal(got.headers['content-length'], '5000');
  assert.deepEqual(got.body, Buffer.alloc(5000, 'b'));
});

test('a cache smaller than the files it is asked for still serves each one right', async () => {
  for (let round = 0; round < 2; round++) {
    const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => text(`/small/many/${i}.txt`)));
    bodies.forEach((body, i) => assert.equal(body, `${i}:${'x'.repeat(4000)}`));
  }
});
