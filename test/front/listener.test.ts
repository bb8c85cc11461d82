// The listener layer in-process, with the request interface as the only handler: the client
// information each protocol hands on (TLS version and cipher over HTTP/1.1 and HTTP/2,
// nothing over cleartext), and the protocol each kind of connection is given. Real sockets,
// real TLS, real clients; the handler answers with what the request carried.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { createListener } from '../../src/front/listener.ts';
import type { Http2Limits } from '../../src/front/http2-session.ts';
import type { ClientRequest, ConnectionHooks, FrontConnection } from '../../src/front/request.ts';
import { makeCertificate } from '../helpers/certs.ts';
import { frameType, get, headers, parseFrames, preface, settings } from '../helpers/h2-frames.ts';
import type { TestCertificate } from '../helpers/certs.ts';
import { makeTempDir } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-listener-');
let cert: TestCertificate;
const servers: net.Server[] = [];
const connections = new Set<FrontConnection>();

const limits: Http2Limits = {
  headerTimeout: 5000,
  keepaliveTimeout: 5000,
  keepaliveRequests: 100,
  bodyTimeout: 5000,
  sendTimeout: 5000,
  maxHeaderSize: 32768,
  maxLineSize: 8192,
  h2c: null,
  maxConcurrentStreams: 128,
};

// Answers every request with what the front knows of it.
const hooks: ConnectionHooks = {
  handle: (request: ClientRequest) => {
    const { client } = request;
    const body = JSON.stringify({ protocol: request.protocol, host: request.host, encrypted: client.encrypted, tlsProtocol: client.tlsProtocol, tlsCipher: client.tlsCipher });
    request.channel.respond(request, 200, 'content-type: application/json\r\n', body);
  },
  refuseBody: () => {},
  stopping: () => false,
  closed: (connection) => connections.delete(connection),
};

async function listen(http2Offered: boolean, secure: boolean): Promise<number> {
  const server = createListener({
    http2: http2Offered,
    tls: secure ? { cert: cert.cert, key: cert.key, ALPNProtocols: http2Offered ? ['h2', 'http/1.1'] : ['http/1.1'] } : null,
    limits,
    hooks,
    track: (connection) => connections.add(connection),
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

type Seen = { protocol: string; host: string; encrypted: boolean; tlsProtocol: string; tlsCipher: string };

async function overHttp2(url: string, options: http2.SecureClientSessionOptions = {}): Promise<Seen> {
  const session = http2.connect(url, options);
  try {
    const stream = session.request({ ':path': '/' });
    let body = '';
    stream.setEncoding('utf8').on('data', (d: string) => (body += d));
    await once(stream, 'end');
    return JSON.parse(body) as Seen;
  } finally {
    session.close();
  }
}

async function overHttp1(port: number, options: tls.ConnectionOptions): Promise<{ seen: Seen; cipher: string; version: string | null }> {
  const socket = tls.connect({ host: '127.0.0.1', port, ca: cert.cert, servername: 'localhost', ...options });
  await once(socket, 'secureConnect');
  const cipher = socket.getCipher().name;
  const version = socket.getProtocol();
  let text = '';
  socket.setEncoding('latin1').on('data', (d: string) => (text += d));
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  await once(socket, 'close');
  return { seen: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Seen, cipher, version };
}

before(() => {
  cert = makeCertificate(dir, 'local', ['localhost', '127.0.0.1']);
});

after(() => {
  for (const server of servers) server.close();
  for (const connection of connections) connection.closeIfIdle();
  remove();
});

test("the client's TLS version and cipher reach each request, over HTTP/1.1 and HTTP/2", async () => {
  const port = await listen(true, true);
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    const one = await overHttp1(port, { maxVersion, ALPNProtocols: ['http/1.1'] });
    assert.equal(one.seen.protocol, 'HTTP/1.1');
    assert.equal(one.seen.encrypted, true);
    assert.equal(one.seen.tlsProtocol, one.version);
    assert.equal(one.seen.tlsProtocol, maxVersion);
    assert.equal(one.seen.tlsCipher, one.cipher);
  }
  const two = await overHttp2(`https://localhost:${port}`, { ca: cert.cert, maxVersion: 'TLSv1.2' });
  assert.equal(two.protocol, 'HTTP/2.0');
  assert.equal(two.host, `localhost:${port}`);
  assert.equal(two.encrypted, true);
  assert.equal(two.tlsProtocol, 'TLSv1.2');
  assert.match(two.tlsCipher, /^ECDHE-ECDSA-/);
});

test('cleartext: HTTP/2 with prior knowledge only where offered, no TLS information', async () => {
  const offered = await listen(true, false);
  const seen = await overHttp2(`http://127.0.0.1:${offered}`);
  assert.deepEqual(seen, { protocol: 'HTTP/2.0', host: `127.0.0.1:${offered}`, encrypted: false, tlsProtocol: '', tlsCipher: '' });
  const plain = await listen(false, false);
  const session = http2.connect(`http://127.0.0.1:${plain}`);
  const failed = await new Promise<boolean>((resolve) => {
    session.on('error', () => resolve(true));
    const stream = session.request({ ':path': '/' });
    stream.on('error', () => resolve(true));
    stream.on('response', () => resolve(false));
  });
  session.destroy();
  assert.equal(failed, true, 'a plain address does not speak HTTP/2');
});

test('cleartext: a preface that arrives in pieces still starts an HTTP/2 session', async () => {
  const port = await listen(true, false);
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  // Split inside the request line and inside the blank lines that follow it.
  for (const piece of [preface.subarray(0, 5), preface.subarray(5, 20), Buffer.concat([preface.subarray(20), settings(), headers(1, get('/'), true)])]) {
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  const frames = parseFrames(received).frames;
  assert.ok(frames.some((f) => f.type === frameType.settings), 'the server sent SETTINGS');
  assert.ok(frames.some((f) => f.type === frameType.headers && f.stream === 1), 'stream 1 was answered');
});
