// Zero-downtime reload (SIGHUP and edge reload) and max_requests recycling, under load.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import { startLoad } from '../helpers/load.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-reload-');
after(async () => {
  await stopAllEdges();
  remove();
});

const appVersion = (v: string): string => `export default (req, res) => res.end('${v}');\n`;
const conf = 'workers 2;\napp { module app.mjs; graceful_timeout 5s; }\nserver { listen 127.0.0.1:0; access_log off; }\n';

// A new connection each time: a kept-alive one may still lead to the draining generation.
async function body(url: string): Promise<string> {
  return (await request(url, { reset: true })).body.text();
}

describe('reload', () => {
  test('SIGHUP under continuous load: zero failed requests, and the new code answers afterwards', async (t) => {
    writeFileSync(path.join(dir, 'app.mjs'), appVersion('v1'));
    writeFileSync(path.join(dir, 'edge.conf'), conf);
    const edge = await startEdge(['run'], { cwd: dir });
    t.after(() => edge.stop());
    assert.equal(await body(edge.url), 'v1');
    const load = startLoad(edge.url, { concurrency: 16 });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(path.join(dir, 'app.mjs'), appVersion('v2'));
    process.kill(edge.pid, 'SIGHUP');
    await edge.waitFor(/reloaded: generation 2 serving/);
    await new Promise((r) => setTimeout(r, 500));
    const result = await load.stop();
    assert.equal(result.failed, 0, `failed: ${JSON.stringify([...result.statuses])} ${result.errors.join('; ')}`);
    assert.ok(result.ok > 100);
    for (let i = 0; i < 5; i++) assert.equal(await body(edge.url), 'v2');
    assert.equal((await edge.stop()).code, 0);
  });

  test('a broken config or an app that throws at load leaves the old generation serving', async (t) => {
    writeFileSync(path.join(dir, 'app.mjs'), appVersion('v1'));
    writeFileSync(path.join(dir, 'edge.conf'), conf);
    const edge = await startEdge(['run'], { cwd: dir });
    t.after(() => edge.stop());

    writeFileSync(path.join(dir, 'edge.conf'), `${conf}wokers 3;\n`);
    const broken = await runEdge(['reload'], { cwd: dir });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /reload failed: the configuration has 1 error\(s\); the running generation keeps serving/);
    assert.match(broken.stderr, /edge\.conf:4:1: unknown directive "wokers"/);
    assert.equal(await body(edge.url), 'v1');

    writeFileSync(path.join(dir, 'edge.conf'), conf);
    writeFileSync(path.join(dir, 'app.mjs'), 'throw new Error("cannot reach the database");\n');
    process.kill(edge.pid, 'SIGHUP');
    const out = await edge.waitFor(/reload failed: .*cannot reach the database/s);
    assert.match(out, /the running generation keeps serving/);
    assert.equal(await body(edge.url), 'v1');

    writeFileSync(path.join(dir, 'app.mjs'), appVersion('v3'));
    const ok = await runEdge(['reload'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(await body(edge.url), 'v3');
    assert.equal((await edge.stop()).code, 0);
  });
});

describe('max_requests', () => {
  test('workers are recycled under load with no failed request', async (t) => {
    writeFileSync(path.join(dir, 'pid.mjs'), 'export default (req, res) => res.end(String(process.pid));\n');
    writeFileSync(
      path.join(dir, 'recycle.conf'),
      'workers 2;\napp { module pid.mjs; max_requests 300; max_requests_jitter 50; }\nserver { listen 127.0.0.1:0; access_log off; }\n',
    );
    const edge = await startEdge(['run', '-c', 'recycle.conf'], { cwd: dir });
    t.after(() => edge.stop());
    const load = startLoad(edge.url, { concurrency: 8, maxRequests: 3000 });
    const pids = new Set<string>();
    while (load.snapshot().ok + load.snapshot().failed < 3000) {
      pids.add(await body(edge.url));
      await new Promise((r) => setTimeout(r, 20));
    }
    const result = await load.stop();
    assert.equal(result.failed, 0, `failed: ${JSON.stringify([...result.statuses])} ${result.errors.join('; ')}`);
    assert.ok(pids.size >= 4, `workers were replaced (${pids.size} distinct pids served)`);
    assert.match(edge.output(), /recycling worker \d+: served \d+ requests \(max_requests \d+\)/);
    assert.equal((await edge.stop()).code, 0);
  });
});

describe('max_memory', () => {
  test('a worker over max_memory is replaced gracefully, its replacement first, with no failed request', async (t) => {
    writeFileSync(path.join(dir, 'pid.mjs'), 'export default (req, res) => res.end(String(process.pid));\n');
    // Every worker is over 1 MiB, so each is recycled soon after it starts: a worst case.
    writeFileSync(
      path.join(dir, 'memory.conf'),
      'workers 2;\napp { module pid.mjs; max_memory 1m; timeout 2s; }\nserver { listen 127.0.0.1:0; access_log off; }\n',
    );
    const edge = await startEdge(['run', '-c', 'memory.conf'], { cwd: dir });
    t.after(() => edge.stop());
    const load = startLoad(edge.url, { concurrency: 4 });
    await edge.waitFor(/recycling worker \d+: uses \d+ MiB \(max_memory 1 MiB\)/);
    await new Promise((r) => setTimeout(r, 1500));
    const result = await load.stop();
    assert.equal(result.failed, 0, `failed: ${JSON.stringify([...result.statuses])} ${result.errors.join('; ')}`);
    assert.ok(result.ok > 50);
  });
});
