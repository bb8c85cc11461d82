// Workers that die or hang under load, as a user would see it from the client side.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import { startLoad } from '../helpers/load.ts';
import { makeTempDir } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-faults-');
after(async () => {
  await stopAllEdges();
  remove();
});

const app = `
export default async (req, res) => {
  if (req.url === '/pid') return res.end(String(process.pid));
  if (req.url === '/block') { const end = Date.now() + 60_000; while (Date.now() < end); }
  if (req.url === '/slow') await new Promise((r) => setTimeout(r, 3000));
  if (req.url === '/big') return res.end(Buffer.alloc(16 * 1024 * 1024, 'b'));
  if (req.url === '/partial') {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('x'.repeat(100));
    setTimeout(() => process.exit(1), 50);
    return;
  }
  res.end('ok');
};
`;
writeFileSync(path.join(dir, 'app.mjs'), app);

async function pidsOf(url: string, n: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < n; i++) pids.add(Number(await (await fetch(`${url}/pid`)).text()));
  return pids;
}

/** The worker pids once `count` distinct ones answer (a replacement needs a moment to boot). */
async function waitForWorkers(url: string, count: number, timeoutMs = 10_000): Promise<Set<number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await pidsOf(url, 10);
    if (pids.size >= count || Date.now() > deadline) return pids;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker killed with SIGKILL under steady load', () => {
  test('no idempotent request fails and a replacement serves', async () => {
    writeFileSync(path.join(dir, 'kill.conf'), 'workers 2;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'kill.conf'], { cwd: dir });
    const before = await pidsOf(edge.url, 20);
    assert.equal(before.size, 2, 'both workers serve');
    const load = startLoad(edge.url, { concurrency: 16 });
    await new Promise((r) => setTimeout(r, 500));
    const victim = [...before][0] as number;
    process.kill(victim, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    const result = await load.stop();
    assert.equal(result.failed, 0, `failed requests: ${JSON.stringify([...result.statuses])} ${result.errors.join('; ')}`);
    assert.ok(result.ok > 100, `the load ran (${result.ok} requests)`);
    const after = await waitForWorkers(edge.url, 2);
    assert.equal(after.size, 2, 'two workers again');
    assert.ok(!after.has(victim), 'the killed worker is gone');
    assert.match(edge.output(), new RegExp(`worker ${victim} exited unexpectedly \\(SIGKILL\\)`));
  });
});

describe('a handler that blocks the event loop', () => {
  test('is killed within timeout + one heartbeat, its request gets 504, the other worker keeps serving', async () => {
    writeFileSync(path.join(dir, 'block.conf'), 'workers 2;\napp { module app.mjs; timeout 1s; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'block.conf'], { cwd: dir });
    const started = Date.now();
    const blocked = request(`${edge.url}/block`);
    await new Promise((r) => setTimeout(r, 100));
    const load = startLoad(edge.url, { concurrency: 4 });
    const res = await blocked;
    const elapsed = Date.now() - started;
    await res.body.text();
    const result = await load.stop();
    assert.equal(res.statusCode, 504);
    // timeout 1s, heartbeat every 100 ms, a 200 ms hand-over to the front before SIGKILL.
    assert.ok(elapsed < 1000 + 100 + 1000, `answered after ${elapsed} ms`);
    assert.equal(result.failed, 0, `other requests failed: ${result.errors.join('; ')}`);
    assert.ok(result.ok > 20);
    const out = await edge.waitFor(/WORKER TIMEOUT \(pid \d+\) while serving GET \/block for \d+\.\d+s/);
    assert.match(out, /WORKER TIMEOUT \(pid \d+\): no heartbeat/);
    assert.equal((await waitForWorkers(edge.url, 2)).size, 2, 'the hung worker was replaced');
  });
});

describe('response failures', () => {
  test('a worker that dies after the response started: the client sees a truncated response', async () => {
    writeFileSync(path.join(dir, 'partial.conf'), 'workers 2;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'partial.conf'], { cwd: dir });
    const res = await request(`${edge.url}/partial`);
    assert.equal(res.statusCode, 200);
    await assert.rejects(res.body.text(), 'the body is cut short, not completed');
  });

  test('proxy_read_timeout: an app slower than it gets 504', async () => {
    writeFileSync(
      path.join(dir, 'read.conf'),
      'workers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; proxy_read_timeout 500ms; }\n',
    );
    const edge = await startEdge(['run', '-c', 'read.conf'], { cwd: dir });
    const res = await request(`${edge.url}/slow`);
    assert.equal(res.statusCode, 504);
    assert.match(await res.body.text(), /proxy_read_timeout \(0\.5s\)/);
  });

  test('proxy_read_timeout does not count time spent waiting for a slow client', async () => {
    writeFileSync(
      path.join(dir, 'read-slow.conf'),
      'workers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; proxy_read_timeout 500ms; }\n',
    );
    const edge = await startEdge(['run', '-c', 'read-slow.conf'], { cwd: dir });
    const { hostname, port } = new URL(edge.url);
    const socket = net.connect(Number(port), hostname);
    socket.write('GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    // Not reading for three times the timeout: the front and the worker both wait on us.
    socket.pause();
    await new Promise((r) => setTimeout(r, 1500));
    let received = 0;
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.resume();
    await once(socket, 'close');
    assert.ok(received > 16 * 1024 * 1024, `the whole body arrives (got ${received} bytes)`);
  });
});
