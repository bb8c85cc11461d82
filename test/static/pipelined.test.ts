// Small cached files leave as one write each (head and body copied into a buffer the front
// reuses while the kernel takes every write whole). A client that pipelines hundreds of
// requests and does not read for a while makes those writes queue: every body must still
// arrive byte for byte, in order, over HTTP and HTTPS.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { makeCertificate } from '../helpers/certs.ts';
import { makeTempDir } from '../helpers/process.ts';
import { startSite } from './helpers.ts';
import type { StaticEdge, Tree } from './helpers.ts';

const files = Array.from({ length: 40 }, (_, i) => randomBytes(900 + i * 350));
let site: StaticEdge;
let httpsPort = 0;

before(async () => {
  const tree: Tree = {};
  files.forEach((bytes, i) => (tree[`public/f${i}.bin`] = bytes));
  const certDir = makeTempDir('edge-pipelined-cert-');
  makeCertificate(certDir.dir, 'local', ['localhost', '127.0.0.2']);
  tree['local.crt'] = readFileSync(path.join(certDir.dir, 'local.crt'));
  tree['local.key'] = readFileSync(path.join(certDir.dir, 'local.key'));
  certDir.remove();
  site = await startSite(
    'edge-pipelined-',
    tree,
    `server {
    listen 127.0.0.1:0;
    listen 127.0.0.2:0 ssl;
    ssl_certificate local.crt;
    ssl_certificate_key local.key;
    root public;
}
`,
  );
  const line = /serving on (\S+), (\S+)/.exec(site.edge.output());
  httpsPort = Number(new URL((line?.[2] ?? '').replace(/,$/, '')).port);
});

after(async () => {
  await stopAllEdges();
  site.remove();
});

async function pipelined(connect: () => net.Socket): Promise<number> {
  const order = Array.from({ length: 300 }, (_, k) => (k * 7) % files.length);
  const socket = connect();
  socket.write(order.map((i) => `GET /f${i}.bin HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
  // Not reading: the front's writes queue behind a full socket.
  socket.pause();
  await new Promise((r) => setTimeout(r, 300));
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.resume();
  const expected = order.reduce((n, i) => n + (files[i] as Buffer).length, 0);
  let bodies = 0;
  let rest = Buffer.alloc(0);
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${bodies} of ${expected} body bytes arrived`)), 10_000);
    socket.on('data', () => {
      rest = Buffer.concat([rest, ...chunks.splice(0)]);
      for (;;) {
        const end = rest.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: (\d+)/i.exec(rest.subarray(0, end).toString('latin1'))?.[1]);
        if (rest.length < end + 4 + length) return;
        const body = rest.subarray(end + 4, end + 4 + length);
        assert.ok(body.equals(files[order[next] as number] as Buffer), `response ${next} (f${order[next]}.bin) arrives byte for byte`);
        bodies += length;
        next++;
        rest = rest.subarray(end + 4 + length);
        if (next === order.length) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  socket.destroy();
  return next;
}

test('300 pipelined small files read late arrive whole and in order over HTTP', async () => {
  const { port } = new URL(site.url);
  const answered = await Promise.all(Array.from({ length: 4 }, () => pipelined(() => net.connect(Number(port), '127.0.0.1'))));
  assert.deepEqual(answered, [300, 300, 300, 300]);
});

test('the same over HTTPS', async () => {
  const answered = await Promise.all(
    Array.from({ length: 4 }, () => pipelined(() => tls.connect({ port: httpsPort, host: '127.0.0.2', rejectUnauthorized: false }))),
  );
  assert.deepEqual(answered, [300, 300, 300, 300]);
});
