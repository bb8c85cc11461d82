// gzip and brotli of app responses through a real edge: what is compressed and what is not,
// the head of a compressed response, bodies that decode to exactly what the app sent, a page
// streamed slowly, and a large response to a slow reader that the front does not hold.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';
import { headOf, rawRequest } from '../helpers/raw-http.ts';

const { makeText, page } = createRequire(import.meta.url)('./bodies.cjs') as { makeText: (seed: number, size: number) => Buffer; page: Buffer };

const { dir, remove } = makeTempDir('edge-compress-');
let edge: RunningEdge;
// One connection: responses follow each other on a keep-alive connection, as a browser's do.
const agent = new Agent({ connections: 1 });

before(async () => {
  writeFileSync(
    path.join(dir, 'edge.conf'),
    `workers 1;
app { module ${path.join(import.meta.dirname, 'app.cjs')}; }
gzip on;
server {
    listen 127.0.0.1:0;
    access_log off;
    brotli on;
    location / { proxy app; }
    location /gzip-only/ { proxy app; brotli off; }
    location /off/ { proxy app; gzip off; brotli off; }
    location /events/ { proxy app; gzip_types text/event-stream; }
    location /levels/ { proxy app; gzip_comp_level 9; brotli_comp_level 0; }
    location /min/ { proxy app; gzip_min_length 30k; }
}
`,
  );
  edge = await startEdge(['run'], { cwd: dir });
});

after(async () => {
  await agent.close();
  await stopAllEdges();
  remove();
});

type Got = { status: number; headers: Record<string, string>; raw: Buffer; body: Buffer };

/** GET (or HEAD) with this Accept-Encoding; the body as sent and as decoded. */
async function get(urlPath: string, acceptEncoding?: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Got> {
  const res = await request(`${edge.url}${urlPath}`, {
    method,
    dispatcher: agent,
    headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
  });
  const raw = Buffer.from(await res.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return { status: res.statusCode, headers, raw, body: decode(raw, headers['content-encoding']) };
}

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return zlib.gunzipSync(raw);
  if (encoding === 'br') return zlib.brotliDecompressSync(raw);
  return raw;
}

const browser = 'gzip, deflate, br, zstd';

describe('compressed', () => {
  test('br for a browser: the page decodes to exactly what the app sent; Vary, weak ETag, no Content-Length', async () => {
    const r = await get('/page.html', browser);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'br');
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(r.headers.etag, 'W/"v1-page"');
    assert.equal(r.headers['content-length'], undefined);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.deepEqual(r.body, page);
    assert.ok(r.raw.length < page.length / 2, `${r.raw.length} bytes for ${page.length}`);
  });

  test('gzip when br is not accepted, or refused with q=0, or lower', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip', 'br;q=0.4, gzip;q=0.5', 'x-gzip']) {
      const r = await get('/page.html', accept);
      assert.equal(r.headers['content-encoding'], 'gzip', accept);
      assert.deepEqual(r.body, page, accept);
    }
  });

  test('a streamed (chunked) JSON body, a 404 page and a short body of unknown length', async () => {
    const json = await get('/data.json', 'gzip');
    assert.equal(json.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(json.body.toString()).length, 200);
    const missing = await get('/missing.html', browser);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-encoding'], 'br');
    assert.deepEqual(missing.body, page);
    const short = await get('/tiny-stream.html', 'gzip');
    assert.equal(short.headers['content-encoding'], 'gzip');
    assert.deepEqual(short.body, page.subarray(0, 100));
  });

  test('Vary is extended, and a weak ETag stays as it is', async () => {
    const r = await get('/vary.html', 'gzip');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers.vary, 'Origin, Accept-Encoding');
    assert.equal(r.headers.etag, 'W/"weak"');
    assert.deepEqual(r.body, page);
  });

  test('a location with gzip only, and the levels of a location', async () => {
    const r = await get('/gzip-only/page.html', browser);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.deepEqual(r.body, page);
    for (const accept of ['gzip', 'br']) {
      // gzip 9 and brotli 0 there, gzip 1 and brotli 4 by default.
      const levels = await get('/levels/page.html', accept);
      const defaults = await get('/page.html', accept);
      assert.deepEqual(levels.body, page);
      assert.ok(accept === 'gzip' ? levels.raw.length < defaults.raw.length : levels.raw.length > defaults.raw.length, `${accept}: ${levels.raw.length} and ${defaults.raw.length}`);
    }
    // gzip_min_length 30k: the 20 KB page (with its length) is not compressed there, a streamed body is.
    assert.equal((await get('/min/page.html', 'gzip')).headers['content-encoding'], undefined);
    assert.equal((await get('/min/data.json', 'gzip')).headers['content-encoding'], 'gzip');
  });

  test('curl --compressed gets the page', async () => {
    const { stdout } = await promisify(execFile)('curl', ['-sS', '--compressed', '-D', '-', '-o', path.join(dir, 'curl.out'), `${edge.url}/page.html`]);
    assert.match(stdout, /content-encoding: (br|gzip)/i);
    assert.deepEqual(readFileSync(path.join(dir, 'curl.out')), page);
  });
});

describe('not compressed', () => {
  test('without Accept-Encoding, or with q=0 or identity only: the body as it is, with Vary and its strong ETag', async () => {
    for (const accept of [undefined, 'gzip;q=0', 'identity', 'br;q=0, gzip;q=0', '*;q=0', 'deflate']) {
      const r = await get('/page.html', accept);
      assert.equal(r.headers['content-encoding'], undefined, String(accept));
      assert.equal(r.headers.vary, 'Accept-Encoding', String(accept));
      assert.equal(r.headers.etag, '"v1-page"');
      assert.equal(r.headers['content-length'], String(page.length));
      assert.deepEqual(r.raw, page);
    }
  });

  test('types not listed, bodies under the minimum length, other statuses: as they are, without Vary', async () => {
    for (const name of ['image.png', 'tiny.html', 'failed.html', 'events']) {
      const r = await get(`/${name}`, browser);
      assert.equal(r.headers['content-encoding'], undefined, name);
      assert.equal(r.headers.vary, undefined, name);
    }
  });

  test('a body with a Content-Encoding already is passed on untouched (never twice)', async () => {
    const r = await get('/already.txt', browser);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.deepEqual(zlib.gunzipSync(r.raw), page);
  });

  test('a range (206 with Content-Range) is not compressed', async () => {
    const r = await get('/partial.txt', browser);
    assert.equal(r.status, 206);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['content-range'], `bytes 100-2099/${page.length}`);
    assert.deepEqual(r.raw, page.subarray(100, 2100));
  });

  test('Cache-Control: no-transform, a location with compression off, HEAD', async () => {
    const kept = await get('/no-transform.html', browser);
    assert.equal(kept.headers['content-encoding'], undefined);
    assert.deepEqual(kept.raw, page);
    const off = await get('/off/page.html', browser);
    assert.equal(off.headers['content-encoding'], undefined);
    assert.equal(off.headers.vary, undefined);
    const head = await get('/page.html', browser, 'HEAD');
    assert.equal(head.headers['content-encoding'], undefined);
    assert.equal(head.headers['content-length'], String(page.length));
  });

  test('HTTP/1.0: the body as it is (no chunked coding to end it), with Vary', async () => {
    const text = await rawRequest(edge.url, 'GET /page.html HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n');
    const r = headOf(text);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-encoding'), undefined);
    assert.equal(r.headers.get('vary'), 'Accept-Encoding');
    assert.equal(Buffer.from(r.body, 'latin1').equals(page), true);
  });
});

describe('streaming', () => {
  /** When the first decoded bytes and the end arrive, in ms from the request. */
  async function timing(urlPath: string, accept: string): Promise<{ encoding: string | undefined; first: number; end: number; body: Buffer }> {
    const started = Date.now();
    const res = await request(`${edge.url}${urlPath}`, { dispatcher: agent, headers: { 'accept-encoding': accept } });
    const encoding = res.headers['content-encoding'] as string | undefined;
    const decoder = encoding === 'br' ? zlib.createBrotliDecompress() : zlib.createGunzip();
    let first = 0;
    const parts: Buffer[] = [];
    decoder.on('data', (d: Buffer) => {
      if (first === 0) first = Date.now() - started;
      parts.push(d);
    });
    const ended = new Promise((resolve) => decoder.on('end', resolve));
    for await (const chunk of res.body) decoder.write(chunk as Buffer);
    decoder.end();
    await ended;
    return { encoding, first, end: Date.now() - started, body: Buffer.concat(parts) };
  }

  test('what a slow page has sent so far reaches the client before the rest is ready', async () => {
    for (const accept of ['gzip', 'br']) {
      const t = await timing('/slow.html', accept);
      assert.equal(t.encoding, accept);
      assert.deepEqual(t.body, page);
      assert.ok(t.end - t.first >= 400, `${accept}: first bytes at ${t.first} ms, end at ${t.end} ms`);
    }
  });

  test('an event stream, where its type is listed, is compressed event by event', async () => {
    const t = await timing('/events/events', browser);
    assert.equal(t.encoding, 'gzip');
    assert.equal(t.body.toString(), 'data: first\n\ndata: second\n\n');
    assert.ok(t.end - t.first >= 400, `first event at ${t.first} ms, end at ${t.end} ms`);
  });

  test('64 MiB to a client that stops reading: the app is held back, the front does not fill up, the body decodes exactly', async () => {
    const status = await runEdge(['status', '--json'], { cwd: dir });
    const processes = (JSON.parse(status.stdout) as { processes: Array<{ role: string; pid: number }> }).processes;
    const front = processes.find((p) => p.role === 'front');
    assert.ok(front, status.stdout);
    const rss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${front.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const chunks = 1024;
    const size = chunks * 65536;
    const start = rss();
    const res = await request(`${edge.url}/big.txt?chunks=${chunks}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    // The client reads nothing for a second: what the front takes from the app meanwhile is
    // what the buffers on the way hold (sockets, the encoder), not the response.
    let peak = start;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      peak = Math.max(peak, rss());
    }
    const taken = Number((await get('/progress')).raw.toString());
    assert.ok(taken < size / 3, `the app could write ${taken} of ${size} bytes to a client that read nothing`);
    assert.ok(peak - start < size / 2 / 2 ** 20, `the front grew from ${start.toFixed(0)} to ${peak.toFixed(0)} MiB`);
    const decoder = zlib.createGunzip();
    const hash = createHash('sha256');
    let decoded = 0;
    decoder.on('data', (d: Buffer) => {
      hash.update(d);
      decoded += d.length;
    });
    const ended = new Promise((r) => decoder.on('end', r));
    let wire = 0;
    for await (const chunk of res.body) {
      wire += (chunk as Buffer).length;
      decoder.write(chunk as Buffer);
    }
    decoder.end();
    await ended;
    const expected = createHash('sha256');
    for (let i = 1; i <= chunks; i++) expected.update(makeText(i, 65536));
    assert.equal(decoded, size);
    assert.equal(hash.digest('hex'), expected.digest('hex'));
    assert.ok(wire < size * 0.7, `${wire} bytes on the wire for ${size}`);
  });

  test('a client that goes away mid-response: the front serves the next request', async () => {
    const res = await request(`${edge.url}/big.txt?chunks=1024`, { headers: { 'accept-encoding': 'br' } });
    let seen = 0;
    for await (const chunk of res.body) {
      seen += (chunk as Buffer).length;
      if (seen > 100_000) break;
    }
    const r = await get('/page.html', 'br');
    assert.deepEqual(r.body, page);
  });
});
