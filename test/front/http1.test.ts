// The front's HTTP/1.x, byte for byte, with a raw socket as the client: pipelining, chunked
// bodies both ways, HTTP/1.0, HEAD/204/304, 1xx, close-delimited worker responses,
// Expect: 100-continue, keep-alive limits and timeouts, and bad requests. Real edge, real
// worker, real sockets.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { headOf, rawConnect, rawRequest } from '../helpers/raw-http.ts';

const { dir, remove } = makeTempDir('edge-http1-');
let edge: RunningEdge;
let noKeepalive: RunningEdge;
let slowClients: RunningEdge;

const app = `
// An app that writes to its socket itself, and gets it wrong: path → [end or write, bytes].
const raw = {
  '/raw/garbage': ['end', 'NOT HTTP AT ALL\\r\\n\\r\\n'],
  '/raw/bad-chunk': ['end', 'HTTP/1.1 200 OK\\r\\ntransfer-encoding: chunked\\r\\n\\r\\nzz\\r\\nhello\\r\\n'],
  '/raw/huge-head': ['end', 'HTTP/1.1 200 OK\\r\\nx-big: ' + 'a'.repeat(200000) + '\\r\\ncontent-length: 2\\r\\n\\r\\nok'],
  '/raw/short': ['end', 'HTTP/1.1 200 OK\\r\\ncontent-length: 100\\r\\n\\r\\nonly this'],
  '/raw/two-answers': ['write', 'HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\nokHTTP/1.1 200 OK\\r\\ncontent-length: 5\\r\\n\\r\\nextra'],
  '/raw/length-and-chunked': ['write', 'HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\ntransfer-encoding: chunked\\r\\n\\r\\nok'],
};

module.exports = (req, res) => {
  const url = new URL(req.url, 'http://x');
  const bad = raw[url.pathname];
  if (bad !== undefined) {
    req.socket[bad[0]](bad[1]);
    return;
  }
  switch (url.pathname) {
    case '/id': {
      const body = 'id=' + url.searchParams.get('n');
      // Node leaves Content-Length out of HEAD responses unless the app sets it.
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    case '/echo':
    case '/limited/echo': {
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (d) => (body += d));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body })));
      return;
    }
    case '/stream':
      res.write('part1;');
      setTimeout(() => { res.write('part2;'); res.end('end'); }, 20);
      return;
    case '/early':
      // Answers without reading the request body.
      res.end('early');
      return;
    case '/big': {
      // 64 MiB, written as fast as the front takes it.
      const chunk = Buffer.alloc(65536, 97);
      let left = 1024;
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
    case '/fail':
      res.writeHead(500).end('failed');
      return;
    case '/no-content':
      res.writeHead(204).end();
      return;
    case '/not-modified':
      res.writeHead(304, { etag: '"v1"' }).end();
      return;
    case '/close-delimited':
      // No length and no chunked coding: the body ends when the connection does.
      req.socket.end('HTTP/1.1 200 OK\\r\\ncontent-type: text/plain\\r\\n\\r\\nuntil the end');
      return;
    case '/hints':
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.end('after hints');
      return;
    case '/private':
      res.writeHead(200, { connection: 'x-private', 'x-private': 'secret', 'keep-alive': 'timeout=99', 'x-public': 'yes' });
      res.end('ok');
      return;
    default:
      res.end('default');
  }
};
`;

before(async () => {
  writeFileSync(path.join(dir, 'app.cjs'), app);
  writeFileSync(
    path.join(dir, 'edge.conf'),
    `workers 1;
app { module app.cjs; }
server {
  listen 127.0.0.1:0;
  client_header_timeout 1s;
  keepalive_timeout 2s;
  keepalive_requests 3;
  large_client_header_buffers 2 1k;
  add_header X-Frame-Options DENY;
  add_header X-Served-By edge always;
  location / { proxy app; }
  location /limited { proxy app; client_max_body_size 1k; }
  location /own { proxy app; add_header X-Own yes; }
}
`,
  );
  writeFileSync(path.join(dir, 'off.conf'), 'workers 1;\napp { module app.cjs; }\nserver { listen 127.0.0.1:0; keepalive_timeout 0; }\n');
  writeFileSync(path.join(dir, 'slow.conf'), 'workers 1;\napp { module app.cjs; }\nserver { listen 127.0.0.1:0; client_body_timeout 1s; send_timeout 1s; }\n');
  [edge, noKeepalive, slowClients] = await Promise.all([
    startEdge(['run'], { cwd: dir }),
    startEdge(['run', '--config', 'off.conf'], { cwd: dir }),
    startEdge(['run', '--config', 'slow.conf'], { cwd: dir }),
  ]);
});

after(async () => {
  await stopAllEdges();
  remove();
});

describe('keep-alive and pipelining', () => {
  test('pipelined requests are answered in order; keepalive_requests closes after the third', async () => {
    const text = await rawRequest(edge.url, 'GET /id?n=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /id?n=2 HTTP/1.1\r\nHost: a\r\n\r\nGET /id?n=3 HTTP/1.1\r\nHost: a\r\n\r\n');
    const responses = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(responses.length, 3, text);
    assert.deepEqual(responses.map((r) => headOf(r).body), ['id=1', 'id=2', 'id=3']);
    assert.deepEqual(responses.map((r) => headOf(r).headers.get('connection')), ['keep-alive', 'keep-alive', 'close']);
  });

  test('a head with many headers, arriving in pieces, reaches the app whole', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `X-Many-${i}: value-${i}\r\n`).join('');
    const head = `GET /echo?long=${'q'.repeat(300)} HTTP/1.1\r\nHost: a\r\n${many}Connection: close\r\n\r\n`;
    const c = await rawConnect(edge.url);
    // Split inside the request line and inside a header: the parser sees the head in parts.
    for (const piece of [head.slice(0, 20), head.slice(20, 400), head.slice(400)]) {
      c.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const seen = JSON.parse(headOf(await c.closed()).body) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, `/echo?long=${'q'.repeat(300)}`);
    for (let i = 0; i < 40; i++) assert.equal(seen.headers[`x-many-${i}`], `value-${i}`);
    assert.equal(seen.headers.host, 'a');
  });

  test('HEAD gets the headers without a body, and the connection carries on', async () => {
    const c = await rawConnect(edge.url);
    c.write('HEAD /id?n=42 HTTP/1.1\r\nHost: a\r\n\r\n');
    const first = headOf(await c.waitFor(/\r\n\r\n/));
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-length'), '5');
    c.write('GET /id?n=43 HTTP/1.1\r\nHost: a\r\n\r\n');
    const text = await c.waitFor(/id=43/);
    assert.equal(text.split(/(?=HTTP\/1\.1 )/).length, 2, 'the HEAD response had no body');
    assert.ok(!text.includes('id=42'));
    c.destroy();
  });

  test('204 and 304 have no body, and the connection carries on', async () => {
    const text = await rawRequest(
      edge.url,
      'GET /no-content HTTP/1.1\r\nHost: a\r\n\r\nGET /not-modified HTTP/1.1\r\nHost: a\r\n\r\nGET /id?n=7 HTTP/1.1\r\nHost: a\r\n\r\n',
    );
    const [a = '', b = '', c = ''] = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal(headOf(a).status, 204);
    assert.equal(headOf(a).body, '');
    assert.equal(headOf(b).status, 304);
    assert.equal(headOf(b).headers.get('etag'), '"v1"');
    assert.equal(headOf(b).body, '');
    assert.equal(headOf(c).body, 'id=7');
  });

  test('an HTTP/1.0 client that asks for keep-alive gets it', async () => {
    const c = await rawConnect(edge.url);
    c.write('GET /id?n=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const first = headOf(await c.waitFor(/id=1/));
    assert.equal(first.headers.get('connection'), 'keep-alive');
    c.write('GET /id?n=2 HTTP/1.0\r\n\r\n');
    const text = await c.closed();
    assert.match(text, /id=2$/);
    assert.equal(headOf(text.slice(text.lastIndexOf('HTTP/1.1 '))).headers.get('connection'), 'close');
  });

  test('keepalive_timeout: an idle connection is closed after it, without a response', async () => {
    const c = await rawConnect(edge.url);
    c.write('GET /id?n=1 HTTP/1.1\r\nHost: a\r\n\r\n');
    await c.waitFor(/id=1/);
    const idleSince = Date.now();
    const text = await c.closed(6000);
    const idle = Date.now() - idleSince;
    assert.ok(idle >= 1800 && idle < 4000, `closed after ${idle} ms (keepalive_timeout 2s)`);
    assert.equal(text.split(/(?=HTTP\/1\.1 )/).length, 1);
  });

  test('keepalive_timeout 0 turns keep-alive off', async () => {
    const text = await rawRequest(noKeepalive.url, 'GET /id?n=1 HTTP/1.1\r\nHost: a\r\n\r\n');
    assert.equal(headOf(text).headers.get('connection'), 'close');
    assert.equal(headOf(text).body, 'id=1');
  });
});

describe('bodies', () => {
  test('a chunked request body reaches the app whole, chunked on to the worker', async () => {
    const text = await rawRequest(
      edge.url,
      'POST /echo HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    );
    const seen = JSON.parse(headOf(text).body) as { body: string; headers: Record<string, string> };
    assert.equal(seen.body, 'hello world');
    assert.equal(seen.headers['transfer-encoding'], 'chunked');
    assert.equal(seen.headers['content-length'], undefined);
  });

  test("a chunked body's trailers are dropped and do not leak into the next pipelined request", async () => {
    const text = await rawRequest(
      edge.url,
      'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n' +
        'GET /echo HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n',
    );
    const [first = '', second = ''] = text.split(/(?=HTTP\/1\.1 )/);
    assert.equal((JSON.parse(headOf(first).body) as { body: string }).body, 'hello');
    const next = JSON.parse(headOf(second).body) as { method: string; headers: Record<string, string> };
    assert.equal(next.method, 'GET');
    assert.equal(next.headers.host, 'b');
    assert.equal(next.headers['x-trailer'], undefined);
  });

  test('a response of unknown length is chunked for HTTP/1.1 and ends with the connection for HTTP/1.0', async () => {
    const c11 = await rawRequest(edge.url, 'GET /stream HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal(headOf(c11).headers.get('transfer-encoding'), 'chunked');
    assert.equal(headOf(c11).body, '6\r\npart1;\r\n6\r\npart2;\r\n3\r\nend\r\n0\r\n\r\n');
    const c10 = await rawRequest(edge.url, 'GET /stream HTTP/1.0\r\n\r\n');
    assert.equal(headOf(c10).headers.get('transfer-encoding'), undefined);
    assert.equal(headOf(c10).headers.get('connection'), 'close');
    assert.equal(headOf(c10).body, 'part1;part2;end');
  });

  test('a worker response that ends with its connection reaches the client whole', async () => {
    const text = await rawRequest(edge.url, 'GET /close-delimited HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal(headOf(text).status, 200);
    assert.equal(headOf(text).body, 'd\r\nuntil the end\r\n0\r\n\r\n');
  });

  test('Expect: 100-continue is answered before the body is sent', async () => {
    const c = await rawConnect(edge.url);
    c.write('PUT /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n');
    await c.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    c.write('hello');
    const text = await c.closed();
    const final = headOf(text.slice(text.indexOf('HTTP/1.1 200')));
    const seen = JSON.parse(final.body) as { body: string; headers: Record<string, string> };
    assert.equal(seen.body, 'hello');
    assert.equal(seen.headers.expect, undefined, 'the front answered the expectation itself');
  });

  test('an app that answers before the body has arrived: the client gets the answer, later requests are not mixed into that body', async () => {
    const c = await rawConnect(edge.url);
    c.write(`POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 10000\r\n\r\n${'b'.repeat(100)}`);
    assert.equal(headOf(await c.waitFor(/early/)).body, 'early');
    // The one worker gets the next request; it must not be read as the rest of that body.
    const next = await rawRequest(edge.url, 'GET /id?n=5 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 3000);
    assert.equal(headOf(next).body, 'id=5');
    // The rest of the first body is read and dropped; the connection then serves on.
    c.write('b'.repeat(9900));
    c.write('GET /id?n=6 HTTP/1.1\r\nHost: a\r\n\r\n');
    await c.waitFor(/id=6/);
    c.destroy();
  });

  test('a chunked body over client_max_body_size gets 413 and the connection is closed', async () => {
    const chunk = `320\r\n${'x'.repeat(800)}\r\n`;
    const c = await rawConnect(edge.url);
    c.write(`POST /limited/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}`);
    c.write(chunk);
    c.write(chunk);
    const text = await c.waitFor(/\r\n\r\n.*client_max_body_size/s);
    assert.equal(headOf(text).status, 413);
    assert.equal(headOf(text).headers.get('connection'), 'close');
    c.write('0\r\n\r\n');
    await c.closed();
  });
});

describe('what the front keeps to itself', () => {
  test('1xx responses of the app are not passed on; the final response is', async () => {
    const text = await rawRequest(edge.url, 'GET /hints HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal(headOf(text).status, 200);
    assert.equal(headOf(text).body, 'after hints');
  });

  test("headers the worker names in Connection, and its keep-alive, stay between front and worker", async () => {
    const text = await rawRequest(edge.url, 'GET /private HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    const head = headOf(text);
    assert.equal(head.headers.get('x-public'), 'yes');
    assert.equal(head.headers.get('x-private'), undefined);
    assert.equal(head.headers.get('keep-alive'), undefined);
    assert.equal(head.headers.get('connection'), 'close');
  });

  test('an Upgrade request is answered as a plain request and the connection closed after it', async () => {
    const text = await rawRequest(edge.url, 'GET /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    const head = headOf(text);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('connection'), 'close');
    const seen = JSON.parse(head.body) as { headers: Record<string, string> };
    assert.equal(seen.headers.upgrade, undefined);
  });
});

describe('add_header', () => {
  const get = async (target: string): Promise<Map<string, string>> =>
    headOf(await rawRequest(edge.url, `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)).headers;

  test("on nginx's statuses every header is added; on others only the `always` ones, edge's own errors included", async () => {
    for (const target of ['/id?n=1', '/no-content', '/not-modified']) {
      const headers = await get(target);
      assert.equal(headers.get('x-frame-options'), 'DENY', target);
      assert.equal(headers.get('x-served-by'), 'edge', target);
    }
    const failed = await get('/fail');
    assert.equal(failed.get('x-frame-options'), undefined);
    assert.equal(failed.get('x-served-by'), 'edge');
    const refused = headOf(await rawRequest(edge.url, `POST /limited/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`));
    assert.equal(refused.status, 413);
    assert.equal(refused.headers.get('x-served-by'), 'edge');
    assert.equal(refused.headers.get('x-frame-options'), undefined);
  });

  test('a location with its own add_header does not inherit the outer ones', async () => {
    const headers = await get('/own/id');
    assert.equal(headers.get('x-own'), 'yes');
    assert.equal(headers.get('x-frame-options'), undefined);
    assert.equal(headers.get('x-served-by'), undefined);
  });
});

describe('request targets', () => {
  test('an absolute-form target: its host wins over the Host header, the app sees the path', async () => {
    const text = await rawRequest(edge.url, 'GET HTTP://Example.test:8080/echo?x=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n');
    const seen = JSON.parse(headOf(text).body) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/echo?x=1');
    assert.equal(seen.headers.host, 'Example.test:8080');
    assert.equal(seen.headers['x-forwarded-host'], 'Example.test:8080');
    // No path at all: the root.
    const root = await rawRequest(edge.url, 'GET http://example.test?x=2 HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(headOf(root).status, 200, root);
    assert.equal(headOf(root).body, 'default');
  });
});

describe('bad requests', () => {
  test('not HTTP: 400 and the connection is closed', async () => {
    const text = await rawRequest(edge.url, 'HELLO THERE\r\n\r\n');
    assert.equal(headOf(text).status, 400);
    assert.equal(headOf(text).headers.get('connection'), 'close');
  });

  test('HTTP/1.1 without Host: 400', async () => {
    const text = await rawRequest(edge.url, 'GET /id?n=1 HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(headOf(text).status, 400);
    assert.match(headOf(text).body, /Host/);
  });

  test('a head larger than large_client_header_buffers: 431', async () => {
    const text = await rawRequest(edge.url, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`);
    assert.equal(headOf(text).status, 431);
    assert.match(headOf(text).body, /large_client_header_buffers/);
  });

  test('a request line or one header longer than large_client_header_buffers SIZE: 414 and 431', async () => {
    const uri = await rawRequest(edge.url, `GET /${'u'.repeat(1100)} HTTP/1.1\r\nHost: a\r\n\r\n`);
    assert.equal(headOf(uri).status, 414);
    assert.equal(headOf(uri).headers.get('connection'), 'close');
    const header = await rawRequest(edge.url, `GET / HTTP/1.1\r\nHost: a\r\nX-Long: ${'h'.repeat(1100)}\r\n\r\n`);
    assert.equal(headOf(header).status, 431);
    assert.match(headOf(header).body, /a header line/);
  });

  test('a request body in a transfer coding other than chunked: 501, as nginx answers', async () => {
    const text = await rawRequest(edge.url, 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n');
    assert.equal(headOf(text).status, 501);
    assert.equal(headOf(text).headers.get('connection'), 'close');
  });

  test('a head that does not arrive within client_header_timeout: 408 and close', async () => {
    const c = await rawConnect(edge.url);
    const started = Date.now();
    c.write('GET / HTTP/1.1\r\nHost: a\r\n');
    const text = await c.closed(5000);
    const waited = Date.now() - started;
    assert.equal(headOf(text).status, 408);
    assert.ok(waited >= 900 && waited < 3000, `answered after ${waited} ms (client_header_timeout 1s)`);
  });

  test('client_header_timeout also runs for the second request of a keep-alive connection', async () => {
    const c = await rawConnect(edge.url);
    c.write('GET /id?n=1 HTTP/1.1\r\nHost: a\r\n\r\n');
    await c.waitFor(/id=1$/);
    // Idle now (keepalive_timeout is far longer); the next head starts and stalls.
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    c.write('GET /id?n=2 HTTP/1.1\r\nHost: a\r\n');
    const text = await c.closed(5000);
    const waited = Date.now() - started;
    assert.equal(headOf(text.slice(text.indexOf('id=1') + 4)).status, 408);
    assert.ok(waited >= 900 && waited < 3000, `answered after ${waited} ms (client_header_timeout 1s)`);
  });

  test('a bad request after good pipelined ones: they are answered first', async () => {
    const text = await rawRequest(edge.url, 'GET /id?n=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /stream HTTP/1.1\r\nHost: a\r\n\r\nNOT HTTP AT ALL\r\n\r\n');
    const responses = text.split(/(?=HTTP\/1\.1 )/);
    assert.deepEqual(
      responses.map((r) => headOf(r).status),
      [200, 200, 400],
    );
    assert.equal(headOf(responses[1] ?? '').body, '6\r\npart1;\r\n6\r\npart2;\r\n3\r\nend\r\n0\r\n\r\n');
  });
});

describe('an app that writes bad HTTP to its socket', () => {
  test('502 before the response started, a cut response after; the next request is served', async () => {
    const cases: Array<[string, (text: string) => void]> = [
      ['/raw/garbage', (t) => assert.equal(headOf(t).status, 502)],
      ['/raw/huge-head', (t) => assert.equal(headOf(t).status, 502)],
      ['/raw/length-and-chunked', (t) => assert.equal(headOf(t).status, 502)],
      // Started: the client sees the head and then the connection closes without the end.
      ['/raw/bad-chunk', (t) => assert.ok(headOf(t).status === 200 && !t.endsWith('0\r\n\r\n'), t)],
      ['/raw/short', (t) => assert.ok(headOf(t).status === 200 && headOf(t).body === 'only this', t)],
      // The first answer is the answer; what follows it unasked is not passed on.
      ['/raw/two-answers', (t) => assert.ok(headOf(t).body === 'ok' && !t.includes('extra'), t)],
    ];
    for (const [target, check] of cases) {
      check(await rawRequest(edge.url, `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`));
      const next = await fetch(`${edge.url}/id?n=1`, { signal: AbortSignal.timeout(3000) });
      assert.equal(await next.text(), 'id=1', `after ${target}`);
    }
  });
});

describe('slow clients', () => {
  test('client_body_timeout: a body that stops arriving gets 408 and the connection is closed', async () => {
    const c = await rawConnect(slowClients.url);
    const started = Date.now();
    c.write(`POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n${'x'.repeat(10)}`);
    const text = await c.closed(5000);
    const waited = Date.now() - started;
    assert.equal(headOf(text).status, 408);
    assert.match(headOf(text).body, /client_body_timeout/);
    assert.ok(waited >= 900 && waited < 3000, `answered after ${waited} ms (client_body_timeout 1s)`);
  });

  test('client_body_timeout counts the pause between reads, not the whole upload', async () => {
    const c = await rawConnect(slowClients.url);
    c.write('POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 60\r\nConnection: close\r\n\r\n');
    // 2.4 s in all, never more than 0.4 s without a byte.
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      c.write('y'.repeat(10));
    }
    const text = await c.closed(5000);
    assert.equal(headOf(text).status, 200);
    assert.equal((JSON.parse(headOf(text).body) as { body: string }).body, 'y'.repeat(60));
  });

  test('send_timeout: a client that stops reading has the response cut off', async () => {
    const socket = net.connect(Number(new URL(slowClients.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /big HTTP/1.1\r\nHost: a\r\n\r\n');
    socket.pause();
    // Long enough for the front to fill the socket buffers and give up on this client.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    let received = 0;
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.on('error', () => {});
    socket.resume();
    await once(socket, 'close', { signal: AbortSignal.timeout(10_000) });
    assert.ok(received > 0 && received < 64 * 1024 * 1024, `received ${received} bytes of a 64 MiB response`);
  });
});
