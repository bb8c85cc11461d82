// HTTP/2 at the front, with node:http2 and curl as clients: requests reach the app as
// HTTP/1.1 with the same headers (`:authority` as Host, split cookies joined), bodies stream
// both ways byte for byte and under flow control (a client that does not read, or a worker
// that does not, never makes the front hold a whole body), HEAD/204/304, the front's own
// answers, limits (413, 431, keepalive_requests, keepalive_timeout), and cleartext HTTP/2 with
// prior knowledge beside HTTP/1.1 on one port.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import path from 'node:path';
import { promisify } from 'node:util';
import { fetch } from 'undici';
import { makeCertificate } from '../helpers/certs.ts';
import type { TestCertificate } from '../helpers/certs.ts';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

const run = promisify(execFile);
const { dir, remove } = makeTempDir('edge-h2-');
let edge: RunningEdge;
let cert: TestCertificate;
/** 127.0.0.1: `ssl http2`; 127.0.0.2: cleartext `http2`; 127.0.0.3: cleartext `http2` with short keep-alive limits. */
let tlsPort = 0;
let h2cPort = 0;
let limitedPort = 0;
let fileBytes: Buffer;

const app = `
const { createHash } = require('node:crypto');
module.exports = (req, res) => {
  const url = new URL(req.url, 'http://x');
  switch (url.pathname) {
    case '/no-content':
      res.writeHead(204).end();
      return;
    case '/not-modified':
      res.writeHead(304, { etag: '"v1"' }).end();
      return;
    case '/set-cookies':
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.end('ok');
      return;
    case '/stream':
      res.write('one;');
      setTimeout(() => { res.write('two;'); res.end('three'); }, 20);
      return;
    case '/big': {
      // MiB as asked, written as fast as the front takes them.
      const chunk = Buffer.alloc(65536, 97);
      let left = Number(url.searchParams.get('mib')) * 16;
      res.writeHead(200, { 'content-length': left * chunk.length });
      const pump = () => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    case '/slow': {
      const timer = setTimeout(() => res.end('slow done'), Number(url.searchParams.get('ms')));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case '/later':
      // Does not read the body for a while: the upload must wait, not pile up in the front.
      req.pause();
      setTimeout(() => req.resume(), Number(url.searchParams.get('ms')));
      break;
  }
  const hash = createHash('sha256');
  let length = 0;
  req.on('data', (d) => { length += d.length; hash.update(d); });
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers, rawHeaders: req.rawHeaders, encrypted: req.socket.encrypted === true, tls: [req.socket.getProtocol?.() ?? null, req.socket.getCipher?.()?.name ?? null], length, sha: hash.digest('hex') }));
  });
};
`;

type Seen = { url: string; method: string; headers: Record<string, string>; rawHeaders: string[]; encrypted: boolean; tls: [string | null, string | null]; length: number; sha: string };
type Answer = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** One request on `session`; `body` chunks are written one per turn of the event loop. */
async function request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: Buffer[] = []): Promise<Answer> {
  const stream = session.request(headers, { endStream: body.length === 0 && headers[':method'] !== 'POST' });
  const [[responseHeaders]] = (await Promise.all([
    once(stream, 'response'),
    (async () => {
      for (const chunk of body) {
        if (!stream.write(chunk)) await once(stream, 'drain');
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (body.length > 0 || headers[':method'] === 'POST') stream.end();
    })(),
  ])) as unknown as [[IncomingHttpHeaders]];
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { status: Number(responseHeaders[':status']), headers: responseHeaders, body: Buffer.concat(chunks) };
}

function connectTls(): ClientHttp2Session {
  const session = http2.connect(`https://localhost:${tlsPort}`, { ca: cert.cert });
  session.on('error', () => {});
  return session;
}

function connectClear(host: string, port: number): ClientHttp2Session {
  const session = http2.connect(`http://${host}:${port}`);
  session.on('error', () => {});
  return session;
}

/** Random pieces of 1 byte to 64 KiB, `total` bytes in all. */
function pieces(total: number): Buffer[] {
  const list: Buffer[] = [];
  for (let left = total; left > 0; ) {
    const n = Math.min(left, 1 + Math.floor(Math.random() * 65536));
    list.push(randomBytes(n));
    left -= n;
  }
  return list;
}

const sha = (parts: Buffer[]): string => createHash('sha256').update(Buffer.concat(parts)).digest('hex');

async function frontRss(): Promise<number> {
  const { stdout } = await runEdge(['status', '--json'], { cwd: dir });
  const status = JSON.parse(stdout) as { processes: Array<{ role: string; pid: number }> };
  const front = status.processes.find((p) => p.role === 'front');
  assert.ok(front, stdout);
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${front.pid}/status`, 'utf8'))?.[1];
  return Number(kib) * 1024;
}

before(async () => {
  cert = makeCertificate(dir, 'local', ['localhost', '127.0.0.1']);
  mkdirSync(path.join(dir, 'public', 'files'), { recursive: true });
  fileBytes = randomBytes(24 * 1048576);
  writeFileSync(path.join(dir, 'public', 'files', 'big.bin'), fileBytes);
  writeFileSync(path.join(dir, 'app.cjs'), app);
  writeFileSync(
    path.join(dir, 'edge.conf'),
    `workers 1;
app { module app.cjs; }
server {
  listen 127.0.0.1:0 ssl http2;
  listen 127.0.0.2:0 http2;
  ssl_certificate local.crt;
  ssl_certificate_key local.key;
  client_max_body_size 0;
  large_client_header_buffers 4 8k;
  location / { proxy app; }
  location /limited { proxy app; client_max_body_size 1k; }
  location = /ret { return 200 "from the front"; }
  location = /moved { return 301 /elsewhere; }
  location /files/ { root public; }
}
server {
  listen 127.0.0.3:0 http2;
  keepalive_timeout 1s;
  keepalive_requests 3;
  location / { proxy app; }
}
`,
  );
  edge = await startEdge(['run'], { cwd: dir });
  const urls = /serving on (.*) with/.exec(edge.output())?.[1]?.split(', ') ?? [];
  const portOf = (host: string): number => Number(new URL(urls.find((u) => u.includes(host)) ?? '').port);
  tlsPort = portOf('127.0.0.1');
  h2cPort = portOf('127.0.0.2');
  limitedPort = portOf('127.0.0.3');
});

after(async () => {
  await stopAllEdges();
  remove();
});

describe('requests over HTTP/2 reach the app as HTTP/1.1', () => {
  test('GET: :authority becomes Host, no pseudo-header passes, X-Forwarded-Proto https', async () => {
    const session = connectTls();
    try {
      const answer = await request(session, { ':path': '/hello?x=1', 'x-custom': 'yes' });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'application/json');
      const seen = JSON.parse(answer.body.toString()) as Seen;
      assert.equal(seen.url, '/hello?x=1');
      assert.equal(seen.method, 'GET');
      assert.equal(seen.headers.host, `localhost:${tlsPort}`);
      assert.equal(seen.headers['x-custom'], 'yes');
      assert.equal(seen.headers['x-forwarded-proto'], 'https');
      assert.equal(seen.encrypted, true);
      // The client's TLS version and cipher, as a TLS socket would give them to the app.
      const socket = session.socket as unknown as { getProtocol: () => string; getCipher: () => { name: string } };
      assert.deepEqual(seen.tls, [socket.getProtocol(), socket.getCipher().name]);
      assert.deepEqual(Object.keys(seen.headers).filter((name) => name.startsWith(':')), []);
      assert.equal(seen.headers['transfer-encoding'], undefined, 'a GET has no body');
    } finally {
      session.close();
    }
  });

  test('cookies sent as separate fields arrive as one, joined with "; "; set-cookie stays separate', async () => {
    const session = connectTls();
    try {
      const seen = JSON.parse((await request(session, { ':path': '/c', cookie: ['a=1', 'b=2', 'c=3'] })).body.toString()) as Seen;
      const cookies = seen.rawHeaders.filter((_, i) => i % 2 === 0 && seen.rawHeaders[i]?.toLowerCase() === 'cookie');
      assert.equal(cookies.length, 1, `one cookie field: ${JSON.stringify(seen.rawHeaders)}`);
      assert.equal(seen.headers.cookie, 'a=1; b=2; c=3');
      const answer = await request(session, { ':path': '/set-cookies' });
      assert.deepEqual(answer.headers['set-cookie'], ['a=1; Path=/', 'b=2; Path=/']);
    } finally {
      session.close();
    }
  });

  test('POST bodies stream to the app byte for byte, with and without content-length', async () => {
    const session = connectTls();
    try {
      const body = pieces(3 * 1048576 + 17);
      const seen = JSON.parse((await request(session, { ':method': 'POST', ':path': '/upload' }, body)).body.toString()) as Seen;
      assert.equal(seen.length, 3 * 1048576 + 17);
      assert.equal(seen.sha, sha(body));
      assert.equal(seen.headers['transfer-encoding'], 'chunked', 'no length: chunked upstream');
      const sized = pieces(200_000);
      const seenSized = JSON.parse((await request(session, { ':method': 'POST', ':path': '/upload', 'content-length': 200_000 }, sized)).body.toString()) as Seen;
      assert.equal(seenSized.sha, sha(sized));
      assert.equal(seenSized.headers['content-length'], '200000');
      assert.equal(seenSized.headers['transfer-encoding'], undefined);
    } finally {
      session.close();
    }
  });

  test('streams run side by side on one connection', async () => {
    const session = connectTls();
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => request(session, { ':path': `/n/${i}` })));
      assert.deepEqual(
        answers.map((a) => (JSON.parse(a.body.toString()) as Seen).url),
        Array.from({ length: 20 }, (_, i) => `/n/${i}`),
      );
      const streamed = await request(session, { ':path': '/stream' });
      assert.equal(streamed.body.toString(), 'one;two;three');
    } finally {
      session.close();
    }
  });

  test('HEAD, 204 and 304 have no body', async () => {
    const session = connectTls();
    try {
      const head = await request(session, { ':method': 'HEAD', ':path': '/big?mib=1' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(1048576));
      assert.equal(head.body.length, 0);
      const empty = await request(session, { ':path': '/no-content' });
      assert.equal(empty.status, 204);
      assert.equal(empty.body.length, 0);
      const same = await request(session, { ':path': '/not-modified' });
      assert.equal(same.status, 304);
      assert.equal(same.headers.etag, '"v1"');
      assert.equal(same.body.length, 0);
    } finally {
      session.close();
    }
  });

  test("the front's own answers: return, redirect, 413 (known length and streamed), 431", async () => {
    const session = connectTls();
    try {
      const own = await request(session, { ':path': '/ret' });
      assert.equal(own.status, 200);
      assert.equal(own.body.toString(), 'from the front\n');
      const moved = await request(session, { ':path': '/moved' });
      assert.equal(moved.status, 301);
      assert.equal(moved.headers.location, '/elsewhere');
      const known = await request(session, { ':method': 'POST', ':path': '/limited', 'content-length': 5000 }, [randomBytes(5000)]);
      assert.equal(known.status, 413);
      const streamed = await request(session, { ':method': 'POST', ':path': '/limited' }, pieces(50_000));
      assert.equal(streamed.status, 413);
      assert.match(streamed.body.toString(), /client_max_body_size/);
      const long = await request(session, { ':path': '/x', 'x-long': 'v'.repeat(9000) });
      assert.equal(long.status, 431);
      // The connection serves on after all of them.
      assert.equal((await request(session, { ':path': '/after' })).status, 200);
    } finally {
      session.close();
    }
  });
});

describe('cleartext HTTP/2 (prior knowledge) beside HTTP/1.1', () => {
  test('node:http2, curl --http2-prior-knowledge and HTTP/1.1 on the same port', async () => {
    const session = connectClear('127.0.0.2', h2cPort);
    try {
      const seen = JSON.parse((await request(session, { ':path': '/clear', cookie: ['a=1', 'b=2'] })).body.toString()) as Seen;
      assert.equal(seen.headers['x-forwarded-proto'], 'http');
      assert.deepEqual(seen.tls, [null, null]);
      assert.equal(seen.headers.host, `127.0.0.2:${h2cPort}`);
      assert.equal(seen.headers.cookie, 'a=1; b=2');
      const body = pieces(500_000);
      const echoed = JSON.parse((await request(session, { ':method': 'POST', ':path': '/up' }, body)).body.toString()) as Seen;
      assert.equal(echoed.sha, sha(body));
    } finally {
      session.close();
    }
    const { stdout } = await run('curl', ['-s', '--fail', '--http2-prior-knowledge', '-w', '\n%{http_version}', `http://127.0.0.2:${h2cPort}/curl`]);
    assert.match(stdout, /"url":"\/curl".*\n2$/s);
    const plain = await fetch(`http://127.0.0.2:${h2cPort}/plain`);
    assert.equal(((await plain.json()) as Seen).url, '/plain');
  });

  test('an h2c Upgrade header is not acted on: the request is answered over HTTP/1.1', async () => {
    const { stdout } = await run('curl', ['-s', '--fail', '--http2', '-w', '\n%{http_version}', `http://127.0.0.2:${h2cPort}/upgrade`]);
    assert.match(stdout, /\n1\.1$/);
  });
});

describe('connection limits', () => {
  test('keepalive_requests: GOAWAY after the third stream, all three answered', async () => {
    const session = connectClear('127.0.0.3', limitedPort);
    const goaway = once(session, 'goaway');
    const closed = once(session, 'close');
    const answers = await Promise.all([1, 2, 3].map((n) => request(session, { ':path': `/k/${n}` })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
    const [code] = (await goaway) as [number];
    assert.equal(code, http2.constants.NGHTTP2_NO_ERROR);
    await closed;
  });

  test('keepalive_timeout closes an idle connection', async () => {
    const session = connectClear('127.0.0.3', limitedPort);
    const closed = once(session, 'close');
    await request(session, { ':path': '/idle' });
    const idleSince = Date.now();
    await closed;
    const idle = Date.now() - idleSince;
    assert.ok(idle >= 900 && idle < 3000, `closed after ${idle} ms idle`);
  });
});

describe('graceful stop', () => {
  test('GOAWAY: a stream in progress finishes, then the connection closes and edge exits', async () => {
    writeFileSync(path.join(dir, 'stop.conf'), 'workers 1;\napp { module app.cjs; }\nserver { listen 127.0.0.4:0 http2; location / { proxy app; } }\n');
    const stopping = await startEdge(['run', '--config', 'stop.conf'], { cwd: dir });
    const session = connectClear('127.0.0.4', Number(new URL(stopping.url).port));
    const goaway = once(session, 'goaway');
    const closed = once(session, 'close');
    const answer = request(session, { ':path': '/slow?ms=1500' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = stopping.stop('SIGTERM');
    const [code] = (await goaway) as [number];
    assert.equal(code, http2.constants.NGHTTP2_NO_ERROR);
    const done = await answer;
    assert.equal(done.status, 200);
    assert.equal(done.body.toString(), 'slow done');
    await closed;
    assert.equal((await exited).code, 0);
  });
});

describe('flow control', () => {
  test('a client that reads a 50 MiB response slowly does not make the front hold it', async () => {
    const session = connectTls();
    try {
      await request(session, { ':path': '/warm' });
      const before = await frontRss();
      const stream = session.request({ ':path': '/big?mib=50' });
      await once(stream, 'response');
      stream.pause();
      let received = 0;
      let peak = 0;
      const sample = async (): Promise<void> => {
        peak = Math.max(peak, (await frontRss()) - before);
      };
      // Not read at all for a while, then read in short bursts with pauses.
      await new Promise((resolve) => setTimeout(resolve, 800));
      await sample();
      stream.on('data', (chunk: Buffer) => (received += chunk.length));
      const ended = once(stream, 'end');
      let done = false;
      void ended.then(() => (done = true));
      for (let i = 0; i < 6 && !done; i++) {
        stream.resume();
        await new Promise((resolve) => setTimeout(resolve, 15));
        stream.pause();
        await new Promise((resolve) => setTimeout(resolve, 150));
        await sample();
      }
      stream.resume();
      await ended;
      assert.equal(received, 50 * 1048576);
      assert.ok(peak < 16 * 1048576, `the front grew by ${(peak / 1048576).toFixed(1)} MiB while the client was slow`);
    } finally {
      session.close();
    }
  });

  test('a static file read slowly is sent under flow control, whole; a range of it gets 206', async () => {
    const session = connectTls();
    try {
      await request(session, { ':path': '/warm' });
      const before = await frontRss();
      const stream = session.request({ ':path': '/files/big.bin' });
      const [[head]] = (await Promise.all([once(stream, 'response')])) as unknown as [[IncomingHttpHeaders]];
      assert.equal(head[':status'], 200);
      stream.pause();
      await new Promise((resolve) => setTimeout(resolve, 800));
      const grown = (await frontRss()) - before;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.resume();
      await once(stream, 'end');
      assert.ok(Buffer.concat(chunks).equals(fileBytes), 'the file arrived byte for byte');
      assert.ok(grown < 16 * 1048576, `the front grew by ${(grown / 1048576).toFixed(1)} MiB while the client did not read`);
      const range = await request(session, { ':path': '/files/big.bin', range: 'bytes=1000-1999' });
      assert.equal(range.status, 206);
      assert.equal(range.headers['content-range'], `bytes 1000-1999/${fileBytes.length}`);
      assert.ok(range.body.equals(fileBytes.subarray(1000, 2000)));
    } finally {
      session.close();
    }
  });

  test('an upload to a worker that does not read yet waits in the client, not in the front', async () => {
    const session = connectTls();
    try {
      await request(session, { ':path': '/warm' });
      const before = await frontRss();
      const body = pieces(40 * 1048576);
      const answer = request(session, { ':method': 'POST', ':path': '/later?ms=1500' }, body);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const grown = (await frontRss()) - before;
      const seen = JSON.parse((await answer).body.toString()) as Seen;
      assert.equal(seen.sha, sha(body));
      assert.ok(grown < 16 * 1048576, `the front grew by ${(grown / 1048576).toFixed(1)} MiB while the worker did not read`);
    } finally {
      session.close();
    }
  });
});
