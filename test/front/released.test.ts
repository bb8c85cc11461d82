// Every client connection is released, whatever state the client leaves it in: bad
// requests, cut bodies, half-closed sockets, clients that never close after edge's last
// answer. Counted from the front's sockets on edge's port, after a few thousand connections,
// a fixed set of bad endings and a seeded random mix of them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-released-');
let edge: RunningEdge;
let frontPid = 0;

before(async () => {
  writeFileSync(
    path.join(dir, 'app.cjs'),
    `module.exports = (req, res) => {
  if (req.url.startsWith('/stream')) { res.write('a'); setTimeout(() => res.end('b'), 5); return; }
  let n = 0; req.on('data', (d) => (n += d.length)); req.on('end', () => res.end('n=' + n));
};
`,
  );
  writeFileSync(
    path.join(dir, 'edge.conf'),
    'workers 2;\napp { module app.cjs; }\nserver { listen 127.0.0.1:0; client_header_timeout 2s; client_body_timeout 2s; keepalive_timeout 3s; client_max_body_size 10k; }\n',
  );
  edge = await startEdge(['run'], { cwd: dir });
  const status = JSON.parse((await runEdge(['status', '--json'], { cwd: dir })).stdout) as { processes: Array<{ role: string; pid: number }> };
  frontPid = status.processes.find((p) => p.role === 'front')?.pid ?? 0;
});

after(async () => {
  await stopAllEdges();
  remove();
});

/** The front's TCP sockets on edge's port (its connections to workers are Unix sockets). */
function clientSockets(port: number): number {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1] ?? '';
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(fields[9] ?? '');
    }
  }
  let count = 0;
  for (const fd of readdirSync(`/proc/${frontPid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${frontPid}/fd/${fd}`))?.[1];
      if (inode !== undefined && inodes.has(inode)) count++;
    } catch {
      // closed while we looked
    }
  }
  return count;
}

/** One connection: writes the pieces (pausing `gapMs` between them), then ends as told. */
function connection(port: number, pieces: string[], ending: 'destroy' | 'end' | 'linger', gapMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.on('close', () => resolve());
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (ending === 'destroy') socket.destroy();
      else if (ending === 'end') socket.end();
      // 'linger': the client never closes; edge must.
      else setTimeout(() => socket.destroy(), 8000).unref();
    });
  });
}

// A small deterministic generator, so a failure can be replayed.
function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const fragments = [
  'GET / HTTP/1.1\r\n', 'POST /x HTTP/1.1\r\n', 'GET /stream HTTP/1.0\r\n', 'HEAD / HTTP/1.1\r\n', 'PUT /%zz HTTP/1.1\r\n',
  'GET / HTTP/2.0\r\n', 'G\u0000T / HTTP/1.1\r\n', 'Host: a\r\n', 'Content-Length: 5\r\n', 'Content-Length: 99999\r\n',
  'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: gzip\r\n', 'Connection: close\r\n', 'Expect: 100-continue\r\n',
  'Upgrade: websocket\r\nConnection: Upgrade\r\n', `X-A: ${'z'.repeat(9000)}\r\n`, 'Bad Header\r\n', '\r\n', 'hello',
  '5\r\nhello\r\n', '0\r\n\r\n', 'zz\r\n', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
];

test('connections left in bad states by their clients are all released', { timeout: 120_000 }, async () => {
  const port = Number(new URL(edge.url).port);
  const openFds = (): number => clientSockets(port);
  const baseline = openFds();
  const fixed: Array<[string[], 'destroy' | 'end' | 'linger']> = [
    // A bad request answered with 400 and Connection: close, the client then closes (or not).
    [['NOT HTTP\r\n\r\n'], 'linger'],
    [['NOT HTTP\r\n\r\n', 'more garbage'], 'destroy'],
    [[`GET / HTTP/1.1\r\nHost: a\r\nX-A: ${'z'.repeat(9000)}\r\n\r\n`], 'linger'],
    // Connection: close answered; the client keeps its side open.
    [['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'], 'linger'],
    // Cut off in the head, in a body, and after a pipelined bad request.
    [['GET / HTTP/1.1\r\nHo'], 'destroy'],
    [['POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc'], 'destroy'],
    [['POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc'], 'end'],
    [['GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /stream HTTP/1.1\r\nHost: a\r\n\r\nBAD\r\n\r\n'], 'linger'],
    // A body over client_max_body_size, and one that stops (client_body_timeout).
    [['POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n'], 'linger'],
    [['POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'], 'linger'],
  ];
  for (const [pieces, ending] of fixed) await Promise.all(Array.from({ length: 20 }, () => connection(port, pieces, ending, 0)));
  const random = seeded(20261124);
  // At most 50 connections at a time.
  const running = new Set<Promise<void>>();
  for (let i = 0; i < 1500; i++) {
    const pieces = Array.from({ length: 1 + Math.floor(random() * 6) }, () => fragments[Math.floor(random() * fragments.length)] as string);
    const r = random();
    const job = connection(port, pieces, r < 0.4 ? 'destroy' : r < 0.7 ? 'end' : 'linger', r < 0.2 ? 5 : 0);
    running.add(job);
    void job.then(() => running.delete(job));
    if (running.size >= 50) await Promise.race(running);
  }
  await Promise.all(running);
  // Clients that never close are closed by edge: the longest wait here is the 5 s for the rest
  // of a body being dropped, then 2 s for the client to close its side.
  let left = openFds();
  for (let i = 0; i < 60 && left > baseline; i++) {
    await new Promise((r) => setTimeout(r, 250));
    left = openFds();
  }
  assert.equal(left, baseline, `the front holds ${left} client sockets (the listening one included), ${baseline} before the clients came`);
  // And it still serves, on every connection it keeps to the workers.
  for (let i = 0; i < 20; i++) assert.equal(await (await fetch(`${edge.url}/after`, { signal: AbortSignal.timeout(5000) })).text(), 'n=0');
  const status = JSON.parse((await runEdge(['status', '--json'], { cwd: dir })).stdout) as { processes: Array<{ role: string; pid: number; inFlight: number }> };
  assert.equal(status.processes.find((p) => p.role === 'front')?.pid, frontPid, 'the front was not replaced');
});
