// 20 MB downloads read slowly while the file changes under them: truncated → the client
// sees a cut connection with only the original's bytes (raw socket, and curl as a real
// client); rewritten in place → cut; replaced by rename → the old file, whole. The front's
// descriptors for the files are all closed afterwards, also for a client that goes away.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { eventually, frontPid, openFilesUnder, startSite } from './helpers.ts';
import type { StaticEdge } from './helpers.ts';

const size = 20 * 1024 * 1024;
// Each 4-byte word is its own offset: any byte out of place shows.
const original = Buffer.alloc(size);
for (let i = 0; i < size; i += 4) original.writeUInt32BE(i, i);

let site: StaticEdge;
let pid = 0;

before(async () => {
  const files = Object.fromEntries(['truncated', 'curl', 'rewritten', 'renamed', 'gone', 'whole'].map((n) => [`public/${n}.bin`, original]));
  site = await startSite('edge-large-file-', files, 'workers 1;\napp { module app.cjs; }\nserver {\n    listen 127.0.0.1:0;\n    root public;\n    location / { }\n}\n');
  pid = await frontPid(site.dir);
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

const file = (name: string): string => path.join(site.dir, 'public', name);

/** A GET read by hand: `until(received)` pauses reading; `resume` goes on; `done` is everything once closed. */
function slowGet(target: string): { paused: Promise<void>; resume: () => void; destroy: () => void; done: Promise<{ head: string; body: Buffer; length: number }> } {
  const { hostname, port } = new URL(site.url);
  const socket = net.connect(Number(port), hostname);
  socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const chunks: Buffer[] = [];
  let received = 0;
  let pausedOnce = false;
  let onPaused: () => void = () => {};
  const paused = new Promise<void>((resolve) => (onPaused = resolve));
  socket.on('data', (d: Buffer) => {
    chunks.push(d);
    received += d.length;
    // Past the first megabyte the reader stops: the front fills the socket and waits.
    if (!pausedOnce && received > 1024 * 1024) {
      pausedOnce = true;
      socket.pause();
      setTimeout(onPaused, 300);
    }
  });
  socket.on('error', () => {});
  const done = new Promise<{ head: string; body: Buffer; length: number }>((resolve) => {
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, end).toString('latin1');
      resolve({ head, body: all.subarray(end + 4), length: Number(/content-length: (\d+)/i.exec(head)?.[1] ?? -1) });
    });
  });
  return { paused, resume: () => socket.resume(), destroy: () => socket.destroy(), done };
}

function assertPrefix(body: Buffer): void {
  assert.ok(body.equals(original.subarray(0, body.length)), 'every byte received is the original file\'s, in place');
}

test('truncated while a slow client reads: the connection is cut, the bytes are the original\'s', async () => {
  const download = slowGet('/truncated.bin');
  await download.paused;
  truncateSync(file('truncated.bin'), 12 * 1024 * 1024);
  download.resume();
  const { head, body, length } = await download.done;
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.equal(length, size);
  assert.ok(body.length < size, `cut short: ${body.length} of ${size}`);
  assertPrefix(body);
});

test('truncated while curl downloads at a limited rate: curl reports a partial file of the original\'s bytes', async () => {
  const out = path.join(site.dir, 'curl-out.bin');
  const curl = new Promise<number>((resolve) => {
    execFile('curl', ['-s', '--limit-rate', '10M', '-o', out, `${site.url}/curl.bin`], (error) => resolve(error === null ? 0 : Number((error as { code?: number }).code)));
  });
  await new Promise((r) => setTimeout(r, 300));
  truncateSync(file('curl.bin'), 12 * 1024 * 1024);
  // 18: "Partial file. Only a part of the file was transferred."
  assert.equal(await curl, 18);
  const body = readFileSync(out);
  assert.ok(body.length < size);
  assertPrefix(body);
});

test('rewritten in place (same size) while being sent: the connection is cut', async () => {
  const download = slowGet('/rewritten.bin');
  await download.paused;
  const fd = openSync(file('rewritten.bin'), 'r+');
  writeSync(fd, Buffer.alloc(4 * 1024 * 1024, 0xee), 0, 4 * 1024 * 1024, size - 4 * 1024 * 1024);
  closeSync(fd);
  download.resume();
  const { length, body } = await download.done;
  assert.equal(length, size);
  assert.ok(body.length < size, `cut short: ${body.length} of ${size}`);
});

test('replaced by rename while being sent: the old file, whole', async () => {
  const download = slowGet('/renamed.bin');
  await download.paused;
  writeFileSync(file('renamed.new'), Buffer.alloc(size, 0x55));
  renameSync(file('renamed.new'), file('renamed.bin'));
  download.resume();
  const { body, length } = await download.done;
  assert.equal(length, size);
  assert.equal(body.length, size);
  assert.ok(body.equals(original));
});

test('a client that goes away mid-download: the file is closed', async () => {
  const download = slowGet('/gone.bin');
  await download.paused;
  assert.ok(openFilesUnder(pid, site.dir).some((f) => f.endsWith('gone.bin')), 'open while sending');
  download.destroy();
  await eventually(() => !openFilesUnder(pid, site.dir).some((f) => f.endsWith('gone.bin')), 'gone.bin closed');
});

test('a whole download, and afterwards no file of the site is left open', async () => {
  const download = slowGet('/whole.bin');
  await download.paused;
  download.resume();
  const { body } = await download.done;
  assert.ok(body.equals(original));
  await eventually(() => openFilesUnder(pid, site.dir).length === 0, `no open files (open: ${openFilesUnder(pid, site.dir).join(', ')})`);
});
