// Bytes in, bytes out: request bodies of random sizes (Content-Length or chunked, written in
// random pieces) reach the app whole, and responses of random sizes (Content-Length or
// chunked, written in random pieces, some read slowly) reach the client whole, on keep-alive
// connections. Seeded, so a failure can be replayed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-integrity-');
let edge: RunningEdge;

// The app answers with the hash and length of the body it got, and a body of the asked size
// whose bytes follow from the seed.
const app = `
const crypto = require('node:crypto');
${pattern.toString()}
module.exports = (req, res) => {
  const url = new URL(req.url, 'http://x');
  const size = Number(url.searchParams.get('size'));
  const seed = Number(url.searchParams.get('seed'));
  const hash = crypto.createHash('sha256');
  let length = 0;
  req.on('data', (d) => { hash.update(d); length += d.length; });
  req.on('end', () => {
    const headers = { 'x-body-sha': hash.digest('hex'), 'x-body-length': String(length) };
    if (url.searchParams.get('chunked') !== '1') headers['content-length'] = String(size);
    res.writeHead(200, headers);
    const pieces = pattern(size, seed);
    const pump = () => {
      while (pieces.length > 0) if (!res.write(pieces.shift())) return res.once('drain', pump);
      res.end();
    };
    pump();
  });
};
`;

/** The response body for (size, seed), as the pieces the app writes. */
function pattern(size: number, seed: number): Buffer[] {
  const block = Buffer.alloc(65536);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + seed) & 255;
  const pieces: Buffer[] = [];
  let left = size;
  while (left > 0) {
    const part = Math.min(left, 1 + ((seed * 7919 + left) % 65536));
    left -= part;
    pieces.push(block.subarray(0, part));
  }
  return pieces;
}

before(async () => {
  writeFileSync(path.join(dir, 'app.cjs'), app);
  writeFileSync(path.join(dir, 'edge.conf'), 'workers 2;\napp { module app.cjs; }\nserver { listen 127.0.0.1:0; client_max_body_size 0; }\n');
  edge = await startEdge(['run'], { cwd: dir });
});

after(async () => {
  await stopAllEdges();
  remove();
});

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

test('300 requests with random bodies both ways arrive byte for byte', { timeout: 120_000 }, async () => {
  const port = Number(new URL(edge.url).port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const random = seeded(20261124);
  const failures: string[] = [];
  const one = async (i: number): Promise<void> => {
    const body = crypto.randomBytes(random() < 0.5 ? 0 : Math.floor(random() ** 3 * 1_000_000));
    const size = Math.floor(random() ** 3 * 2_000_000);
    const seed = Math.floor(random() * 1000);
    const chunkedResponse = random() < 0.5;
    const chunkedRequest = random() < 0.5;
    const slowReader = random() < 0.2;
    const expected = crypto.createHash('sha256');
    for (const piece of pattern(size, seed)) expected.update(piece);
    const want = expected.digest('hex');
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request(
        {
          port,
          host: '127.0.0.1',
          agent,
          method: body.length > 0 ? 'POST' : 'GET',
          path: `/?size=${size}&seed=${seed}&chunked=${chunkedResponse ? 1 : 0}`,
          headers: chunkedRequest ? {} : { 'content-length': body.length },
        },
        (res) => {
          const hash = crypto.createHash('sha256');
          let length = 0;
          res.on('data', (d: Buffer) => {
            hash.update(d);
            length += d.length;
            if (slowReader) {
              res.pause();
              setTimeout(() => res.resume(), 2);
            }
          });
          res.on('end', () => {
            const sent = crypto.createHash('sha256').update(body).digest('hex');
            if (res.statusCode !== 200) resolve(`status ${res.statusCode}`);
            else if (res.headers['x-body-sha'] !== sent) resolve(`the app got ${res.headers['x-body-length']} of ${body.length} body bytes, or other bytes`);
            else if (length !== size || hash.digest('hex') !== want) resolve(`got ${length} of ${size} response bytes, or other bytes`);
            else resolve('');
          });
          res.on('error', (error) => resolve(error.message));
        },
      );
      req.on('error', (error) => resolve(error.message));
      // The body in random pieces.
      let at = 0;
      while (at < body.length) {
        const part = 1 + Math.floor(random() * 200_000);
        req.write(body.subarray(at, at + part));
        at += part;
      }
      req.end();
    });
    if (outcome !== '') failures.push(`#${i} (body ${body.length}${chunkedRequest ? ' chunked' : ''}, response ${size}${chunkedResponse ? ' chunked' : ''}): ${outcome}`);
  };
  const running = new Set<Promise<void>>();
  for (let i = 0; i < 300; i++) {
    const job = one(i);
    running.add(job);
    void job.then(() => running.delete(job));
    if (running.size >= 16) await Promise.race(running);
  }
  await Promise.all(running);
  agent.destroy();
  assert.deepEqual(failures, []);
});
