// A 1 GB download and a 1 GB upload through edge: bodies stream with backpressure, so every
// process stays at a bounded size however large the body.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

const GiB = 1024 ** 3;
const chunk = Buffer.alloc(64 * 1024, 120);
const { dir, remove } = makeTempDir('edge-stream-');
let edge: RunningEdge;

before(async () => {
  writeFileSync(
    path.join(dir, 'app.mjs'),
    `
import { Readable } from 'node:stream';
const chunk = Buffer.alloc(64 * 1024, 120);
export default (req, res) => {
  if (req.url === '/download') {
    let left = ${GiB} / chunk.length;
    res.writeHead(200, { 'content-length': String(${GiB}) });
    Readable.from((function* () { while (left-- > 0) yield chunk; })()).pipe(res);
    return;
  }
  let bytes = 0;
  req.on('data', (d) => { bytes += d.length; });
  req.on('end', () => res.end(String(bytes)));
};
`,
  );
  writeFileSync(
    path.join(dir, 'edge.conf'),
    'workers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; client_max_body_size 0; proxy_read_timeout 60s; }\n',
  );
  edge = await startEdge(['run'], { cwd: dir });
});

after(async () => {
  await stopAllEdges();
  remove();
});

/** Largest RSS seen per process of the edge (master, front, worker) while `work` runs. */
async function peakRss(work: Promise<unknown>): Promise<Map<string, number>> {
  const status = await runEdge(['status', '--json'], { cwd: dir });
  const processes = (JSON.parse(status.stdout) as { master: number; processes: Array<{ role: string; pid: number }> }).processes;
  const pids = new Map<string, number>(processes.map((p) => [`${p.role} ${p.pid}`, p.pid]));
  const peak = new Map<string, number>();
  let done = false;
  void work.finally(() => (done = true));
  while (!done) {
    for (const [name, pid] of pids) {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak.set(name, Math.max(peak.get(name) ?? 0, kb / 1024));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await work;
  return peak;
}

test('a 1 GB download streams through the front with bounded memory', async () => {
  let received = 0;
  const work = (async () => {
    const res = await request(`${edge.url}/download`);
    assert.equal(res.statusCode, 200);
    for await (const part of res.body) received += (part as Buffer).length;
  })();
  const peak = await peakRss(work);
  assert.equal(received, GiB);
  for (const [name, mib] of peak) assert.ok(mib < 250, `${name} reached ${mib.toFixed(0)} MiB`);
});

test('a 1 GB upload streams through the front with bounded memory', async () => {
  let left = GiB / chunk.length;
  const body = Readable.from((function* () {
    while (left-- > 0) yield chunk;
  })());
  const work = (async () => {
    const res = await request(`${edge.url}/upload`, { method: 'POST', body, headers: { 'content-length': String(GiB) } });
    assert.equal(res.statusCode, 200);
    assert.equal(await res.body.text(), String(GiB));
  })();
  const peak = await peakRss(work);
  for (const [name, mib] of peak) assert.ok(mib < 250, `${name} reached ${mib.toFixed(0)} MiB`);
});
