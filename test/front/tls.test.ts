// The front's TLS: SNI picks each server's certificate (an unknown or missing name gets the
// default server's), TLS 1.2 and 1.3 only, ALPN offers h2 only where the address has
// `http2`, sessions resume, and HTTP/1.1 runs on the TLS socket's handle (keep-alive,
// pipelining, bodies both ways). Real edge, real certificates, real clients (node:tls,
// undici, curl).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { Agent, fetch } from 'undici';
import { makeCertificate } from '../helpers/certs.ts';
import type { TestCertificate } from '../helpers/certs.ts';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

const run = promisify(execFile);
const { dir, remove } = makeTempDir('edge-tls-');
let edge: RunningEdge;
let a: TestCertificate;
let b: TestCertificate;
/** 127.0.0.1: `ssl http2`; 127.0.0.2: `ssl` only. */
let h2Port = 0;
let h1Port = 0;

const app = `
const { createHash } = require('node:crypto');
module.exports = (req, res) => {
  const hash = createHash('sha256');
  let length = 0;
  req.on('data', (d) => { length += d.length; hash.update(d); });
  req.on('end', () => {
    if (req.url.startsWith('/slow')) return setTimeout(() => res.end('slow done'), 1500);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers, encrypted: req.socket.encrypted === true, length, sha: hash.digest('hex') }));
  });
};
`;

type Seen = { url: string; method: string; headers: Record<string, string>; encrypted: boolean; length: number; sha: string };

type Handshake = { cn: string; san: string; alpn: string | false | null; protocol: string | null; authorized: boolean; reused: boolean; session: Buffer | undefined };

/** One TLS handshake; the client trusts both test certificates and accepts any name (checked by the test). */
function handshake(host: string, port: number, options: tls.ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca: [a.cert, b.cert], checkServerIdentity: () => undefined, ...options });
    let session: Buffer | undefined;
    socket.on('session', (s: Buffer) => (session = s));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      const result = {
        cn: String(peer.subject?.CN ?? ''),
        san: peer.subjectaltname ?? '',
        alpn: socket.alpnProtocol,
        protocol: socket.getProtocol(),
        authorized: socket.authorized,
        reused: socket.isSessionReused(),
        session: undefined as Buffer | undefined,
      };
      // TLS 1.3 tickets arrive after the handshake; a moment for them.
      setTimeout(() => {
        result.session = session ?? socket.getSession();
        socket.end();
        resolve(result);
      }, 50);
    });
  });
}

before(async () => {
  a = makeCertificate(dir, 'a', ['a.test']);
  b = makeCertificate(dir, 'b', ['b.test', '*.b.test']);
  writeFileSync(path.join(dir, 'app.cjs'), app);
  writeFileSync(
    path.join(dir, 'edge.conf'),
    `workers 1;
app { module app.cjs; }
server {
  listen 127.0.0.1:0 ssl http2;
  listen 127.0.0.2:0 ssl;
  server_name a.test;
  ssl_certificate a.crt;
  ssl_certificate_key a.key;
  client_max_body_size 0;
  location / { proxy app; }
}
server {
  listen 127.0.0.1:0 ssl http2 default_server;
  listen 127.0.0.2:0 ssl default_server;
  server_name b.test *.b.test;
  ssl_certificate b.crt;
  ssl_certificate_key b.key;
  client_max_body_size 0;
  location / { proxy app; }
}
`,
  );
  edge = await startEdge(['run'], { cwd: dir });
  const urls = /serving on (.*) with/.exec(edge.output())?.[1]?.split(', ') ?? [];
  h2Port = Number(new URL(urls.find((u) => u.includes('127.0.0.1')) ?? '').port);
  h1Port = Number(new URL(urls.find((u) => u.includes('127.0.0.2')) ?? '').port);
});

after(async () => {
  await stopAllEdges();
  remove();
});

describe('SNI', () => {
  test('each name gets its server certificate; an unknown or missing name gets the default server', async () => {
    const toA = await handshake('127.0.0.1', h2Port, { servername: 'a.test' });
    assert.equal(toA.cn, 'a.test');
    assert.equal(toA.san, 'DNS:a.test');
    assert.ok(toA.authorized);
    const toB = await handshake('127.0.0.1', h2Port, { servername: 'b.test' });
    assert.equal(toB.cn, 'b.test');
    assert.match(toB.san, /DNS:\*\.b\.test/);
    const wildcard = await handshake('127.0.0.1', h2Port, { servername: 'www.b.test' });
    assert.equal(wildcard.cn, 'b.test', 'a *.b.test name matches the wildcard');
    const unknown = await handshake('127.0.0.1', h2Port, { servername: 'c.test' });
    assert.equal(unknown.cn, 'b.test', 'an unknown name gets the default_server');
    // No servername and an IP address as host: the client sends no SNI.
    const missing = await handshake('127.0.0.1', h2Port);
    assert.equal(missing.cn, 'b.test', 'no name gets the default_server');
    const other = await handshake('127.0.0.2', h1Port, { servername: 'a.test' });
    assert.equal(other.cn, 'a.test', 'the second address chooses the same way');
  });

  test('curl trusts each certificate for its own name only', async () => {
    const curl = (name: string, ca: string): Promise<{ stdout: string }> =>
      run('curl', ['-s', '--fail', '--http1.1', '--cacert', ca, '--resolve', `${name}:${h2Port}:127.0.0.1`, `https://${name}:${h2Port}/`]);
    assert.equal((JSON.parse((await curl('a.test', a.certFile)).stdout) as Seen).headers.host, `a.test:${h2Port}`);
    assert.equal((JSON.parse((await curl('x.b.test', b.certFile)).stdout) as Seen).headers.host, `x.b.test:${h2Port}`);
    await assert.rejects(curl('a.test', b.certFile), 'a.test is not served with b.test\'s certificate');
  });
});

describe('protocols', () => {
  test('TLS 1.2 and 1.3 are accepted, TLS 1.1 is refused by the server', async () => {
    assert.equal((await handshake('127.0.0.1', h2Port, { servername: 'a.test', maxVersion: 'TLSv1.2' })).protocol, 'TLSv1.2');
    assert.equal((await handshake('127.0.0.1', h2Port, { servername: 'a.test' })).protocol, 'TLSv1.3');
    // The client allows TLS 1.0/1.1 at security level 0, so the refusal is the server's alert.
    await assert.rejects(handshake('127.0.0.1', h2Port, { servername: 'a.test', minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), (error: NodeJS.ErrnoException) => {
      assert.match(String(error.code), /PROTOCOL_VERSION/, String(error));
      return true;
    });
  });

  test('ALPN: h2 and http/1.1 on an `http2` address, http/1.1 only elsewhere', async () => {
    assert.equal((await handshake('127.0.0.1', h2Port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'h2');
    assert.equal((await handshake('127.0.0.1', h2Port, { ALPNProtocols: ['http/1.1'] })).alpn, 'http/1.1');
    assert.equal((await handshake('127.0.0.2', h1Port, { ALPNProtocols: ['h2', 'http/1.1'] })).alpn, 'http/1.1');
    // A client without ALPN speaks HTTP/1.x.
    assert.equal((await handshake('127.0.0.1', h2Port)).alpn, false);
  });

  test('curl --http2 and --http1.1 on one port: the app sees https either way', async () => {
    for (const version of ['--http2', '--http1.1']) {
      const { stdout } = await run('curl', [
        '-s', '--fail', version, '--cacert', a.certFile, '--resolve', `a.test:${h2Port}:127.0.0.1`,
        '-w', '\n%{http_version}', `https://a.test:${h2Port}/which`,
      ]);
      const [body = '', httpVersion] = stdout.split('\n');
      assert.equal(httpVersion, version === '--http2' ? '2' : '1.1');
      const seen = JSON.parse(body) as Seen;
      assert.equal(seen.url, '/which');
      assert.equal(seen.headers['x-forwarded-proto'], 'https');
      assert.equal(seen.headers.host, `a.test:${h2Port}`);
      assert.equal(seen.encrypted, true);
    }
  });

  test('a session resumes (tickets), TLS 1.2 and 1.3', async () => {
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const first = await handshake('127.0.0.1', h2Port, { servername: 'a.test', maxVersion });
      assert.ok(first.session, `${maxVersion}: a session to resume`);
      assert.equal(first.reused, false);
      const second = await handshake('127.0.0.1', h2Port, { servername: 'a.test', maxVersion, session: first.session });
      assert.equal(second.reused, true, `${maxVersion}: the session was resumed`);
    }
  });
});

describe('HTTP/1.1 over TLS', () => {
  test('keep-alive requests with bodies both ways on one connection arrive byte for byte', async () => {
    const dispatcher = new Agent({ connections: 1, connect: { ca: [a.cert], servername: 'a.test' } });
    try {
      for (let i = 0; i < 30; i++) {
        const body = randomBytes(i * 7919);
        const response = await fetch(`https://127.0.0.2:${h1Port}/upload/${i}`, { method: 'POST', body, dispatcher, headers: { host: 'a.test' } });
        const seen = (await response.json()) as Seen;
        assert.equal(seen.length, body.length);
        assert.equal(seen.sha, createHash('sha256').update(body).digest('hex'));
        assert.equal(seen.headers['x-forwarded-proto'], 'https');
      }
    } finally {
      await dispatcher.close();
    }
  });

  test('pipelined requests in one TLS write are answered in order', async () => {
    const socket = tls.connect({ host: '127.0.0.2', port: h1Port, servername: 'a.test', ca: [a.cert] });
    await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    let text = '';
    socket.setEncoding('latin1').on('data', (d: string) => (text += d));
    const requests = [1, 2, 3].map((n) => `GET /p${n} HTTP/1.1\r\nHost: a.test\r\n${n === 3 ? 'Connection: close\r\n' : ''}\r\n`).join('');
    socket.write(requests);
    await new Promise((resolve) => socket.once('close', resolve));
    const urls = [...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['/p1', '/p2', '/p3']);
  });
});

describe('two fronts, and a reload', () => {
  let fronts: RunningEdge;
  let port = 0;

  before(async () => {
    // Certificates the test replaces; the servers of the first edge keep theirs.
    copyFileSync(a.certFile, path.join(dir, 'live.crt'));
    copyFileSync(a.keyFile, path.join(dir, 'live.key'));
    writeFileSync(
      path.join(dir, 'fronts.conf'),
      'workers 1;\nfront_processes 2;\napp { module app.cjs; }\nserver {\n  listen 127.0.0.3:0 ssl http2;\n  server_name a.test;\n  ssl_certificate live.crt;\n  ssl_certificate_key live.key;\n  location / { proxy app; }\n}\n',
    );
    fronts = await startEdge(['run', '--config', 'fronts.conf'], { cwd: dir });
    port = Number(new URL(fronts.url).port);
  });

  /** A handshake and one request on its own connection: whether the session was resumed. */
  function resumeOnce(session: Buffer | undefined): Promise<{ reused: boolean; session: Buffer | undefined; fingerprint: string }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.3', port, servername: 'a.test', ca: [a.cert], checkServerIdentity: () => undefined, rejectUnauthorized: false, session });
      let reused = false;
      let fingerprint = '';
      let next: Buffer | undefined;
      socket.on('session', (s: Buffer) => (next = s));
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        reused = socket.isSessionReused();
        fingerprint = socket.getPeerCertificate().fingerprint256;
        socket.write('GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n');
      });
      socket.resume();
      socket.once('close', () => resolve({ reused, session: next, fingerprint }));
    });
  }

  test('a session resumes whichever front accepts the connection (the master shares the ticket keys)', async () => {
    const first = await resumeOnce(undefined);
    assert.ok(first.session);
    let reused = 0;
    for (let i = 0; i < 24; i++) if ((await resumeOnce(first.session)).reused) reused++;
    // The heartbeats that carry the counts come once a second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const status = JSON.parse((await runEdge(['status', '--json', '--config', 'fronts.conf'], { cwd: dir })).stdout) as { processes: Array<{ role: string; served: number }> };
    const served = status.processes.filter((p) => p.role === 'front').map((p) => p.served);
    assert.equal(served.length, 2);
    assert.ok(served.every((n) => n > 0), `both fronts accepted connections: ${served.join(', ')}`);
    assert.equal(reused, 24);
  });

  test('a reload with a new certificate: a request in progress finishes on the old connection, new ones get the new certificate', async () => {
    const before = (await resumeOnce(undefined)).fingerprint;
    const session = http2.connect(`https://a.test:${port}`, { ca: a.cert, host: '127.0.0.3', servername: 'a.test', checkServerIdentity: () => undefined } as http2.SecureClientSessionOptions);
    session.on('error', () => {});
    const stream = session.request({ ':path': '/slow' });
    let body = '';
    stream.setEncoding('utf8').on('data', (d: string) => (body += d));
    const ended = new Promise((resolve) => stream.on('close', resolve));
    const renewed = makeCertificate(dir, 'renewed', ['a.test']);
    writeFileSync(path.join(dir, 'live.crt'), readFileSync(renewed.certFile));
    writeFileSync(path.join(dir, 'live.key'), readFileSync(renewed.keyFile));
    const reload = await runEdge(['reload', '--config', 'fronts.conf'], { cwd: dir });
    assert.equal(reload.code, 0, reload.stderr);
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      after = (await resumeOnce(undefined)).fingerprint;
      if (after === before) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.notEqual(after, before, 'new connections get the new certificate');
    await ended;
    assert.equal(body, 'slow done', 'the request in progress was answered whole');
    session.close();
  });
});
