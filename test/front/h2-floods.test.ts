// Hostile HTTP/2 clients, written frame by frame: rapid reset (CVE-2023-44487) in one read
// and across reads, PING and SETTINGS floods, more streams than allowed, a header list past
// the limit. Each time the connection is refused or closed, the app sees a bounded number of
// requests (it counts them), and another client's requests during the flood are answered
// quickly.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { errorCode, frameType, get, headers, ping, rawH2, rstStream, settings } from '../helpers/h2-frames.ts';
import { makeTempDir } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-h2-floods-');
let edge: RunningEdge;
let port = 0;

// Counts the requests it sees; `/count` tells how many (it and the bystander's `/fine` are not counted).
const app = `
let count = 0;
module.exports = (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/count') return res.end(String(count));
  if (url.pathname === '/fine') return res.end('ok');
  count++;
  const ms = Number(url.searchParams.get('ms') ?? 0);
  if (ms === 0) return res.end('ok');
  const timer = setTimeout(() => res.end('ok'), ms);
  res.on('close', () => clearTimeout(timer));
};
`;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A well-behaved client on its own connection. */
let bystander: http2.ClientHttp2Session;

function fetchText(session: http2.ClientHttp2Session, requestPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': requestPath });
    let body = '';
    stream.setEncoding('utf8').on('data', (d: string) => (body += d));
    stream.on('end', () => resolve(body));
    stream.on('error', reject);
  });
}

const appCount = async (): Promise<number> => Number(await fetchText(bystander, '/count'));

/**
 * Runs `flood` while the bystander asks every 20 ms; returns the bystander's slowest answer
 * time. Every answer must come.
 */
async function duringFlood(flood: () => Promise<void>): Promise<number> {
  let flooding = true;
  let slowest = 0;
  let answered = 0;
  const measure = (async () => {
    while (flooding || answered < 5) {
      const started = performance.now();
      assert.equal(await fetchText(bystander, '/fine'), 'ok');
      slowest = Math.max(slowest, performance.now() - started);
      answered++;
      await pause(20);
    }
  })();
  try {
    await flood();
  } finally {
    flooding = false;
  }
  await measure;
  return slowest;
}

before(async () => {
  writeFileSync(path.join(dir, 'app.cjs'), app);
  writeFileSync(
    path.join(dir, 'edge.conf'),
    `workers 1;
app { module app.cjs; }
server {
  listen 127.0.0.1:0 http2;
  large_client_header_buffers 4 8k;
  location / { proxy app; }
}
`,
  );
  edge = await startEdge(['run'], { cwd: dir });
  port = Number(new URL(edge.url).port);
  bystander = http2.connect(`http://127.0.0.1:${port}`);
  bystander.on('error', () => {});
});

after(async () => {
  bystander?.close();
  await stopAllEdges();
  remove();
});

describe('rapid reset (CVE-2023-44487)', () => {
  test('HEADERS and RST_STREAM in the same read: no request reaches the app, the connection is closed', async () => {
    const before = await appCount();
    const client = await rawH2('127.0.0.1', port);
    const slowest = await duringFlood(async () => {
      for (let batch = 0; batch < 20 && !client.isClosed(); batch++) {
        const frames: Buffer[] = [];
        for (let i = 0; i < 100; i++) {
          const id = 1 + 2 * (batch * 100 + i);
          frames.push(headers(id, get('/reset?ms=200'), true), rstStream(id));
        }
        client.write(Buffer.concat(frames));
        await pause(5);
      }
      await client.closed();
    });
    assert.equal(client.goawayCode(), errorCode.enhanceYourCalm);
    const seen = (await appCount()) - before;
    assert.ok(seen <= 5, `the app saw ${seen} of the reset requests`);
    assert.ok(slowest < 1000, `another client waited ${slowest.toFixed(0)} ms`);
  });

  test('RST_STREAM in a later read: the workers see a bounded number, the connection is closed', async () => {
    const before = await appCount();
    const client = await rawH2('127.0.0.1', port);
    let sent = 0;
    const slowest = await duringFlood(async () => {
      for (let batch = 0; batch < 40 && !client.isClosed(); batch++) {
        const ids = Array.from({ length: 50 }, (_, i) => 1 + 2 * (batch * 50 + i));
        client.write(Buffer.concat(ids.map((id) => headers(id, get('/reset?ms=500'), true))));
        sent += ids.length;
        // Long enough for the front to hand them on.
        await pause(30);
        client.write(Buffer.concat(ids.map((id) => rstStream(id))));
        await pause(5);
      }
      await client.closed();
    });
    assert.equal(client.goawayCode(), errorCode.enhanceYourCalm);
    const seen = (await appCount()) - before;
    assert.ok(sent >= 150, `sent ${sent}`);
    assert.ok(seen <= 200, `the app saw ${seen} requests of ${sent} reset`);
    assert.ok(slowest < 1000, `another client waited ${slowest.toFixed(0)} ms`);
  });
});

describe('control frame floods', () => {
  for (const kind of ['PING', 'SETTINGS'] as const) {
    for (const reading of [true, false]) {
      test(`${kind} flood (${reading ? 'reading' : 'never reading'} the answers): the connection is closed`, async () => {
        const client = await rawH2('127.0.0.1', port, reading);
        const one = kind === 'PING' ? ping(7) : settings([[4, 65535]]);
        const burst = Buffer.concat(Array.from({ length: 500 }, () => one));
        const slowest = await duringFlood(async () => {
          for (let i = 0; i < 200 && !client.isClosed(); i++) {
            client.write(burst);
            await pause(2);
          }
          await client.closed();
        });
        // Closed (closed() above would time out otherwise): by the front's count, with GOAWAY
        // ENHANCE_YOUR_CALM, or, on a loaded machine where the acknowledgements pile up, by
        // nghttp2's own limit on queued frames first, which may cut the socket without one.
        const code = client.goawayCode();
        if (code !== null) assert.equal(code, errorCode.enhanceYourCalm);
        assert.ok(slowest < 1000, `another client waited ${slowest.toFixed(0)} ms`);
      });
    }
  }
});

describe('stream and header limits', () => {
  test('streams past http2_max_concurrent_streams (128) are refused; the app sees at most 128', async () => {
    const before = await appCount();
    const client = await rawH2('127.0.0.1', port);
    client.write(Buffer.concat(Array.from({ length: 200 }, (_, i) => headers(1 + 2 * i, get('/many?ms=300'), true))));
    await pause(800);
    const serverSettings = client.frames.find((f) => f.type === frameType.settings && f.payload.length > 0);
    assert.ok(serverSettings, 'the server sent its SETTINGS');
    const entries = new Map<number, number>();
    for (let at = 0; at < serverSettings.payload.length; at += 6) entries.set(serverSettings.payload.readUInt16BE(at), serverSettings.payload.readUInt32BE(at + 2));
    assert.equal(entries.get(3), 128, 'SETTINGS_MAX_CONCURRENT_STREAMS');
    const refused = [...client.resets().values()].filter((code) => code === errorCode.refusedStream).length;
    assert.equal(refused, 72);
    const seen = (await appCount()) - before;
    assert.ok(seen <= 128, `the app saw ${seen}`);
    client.destroy();
  });

  test('a client that keeps opening streams past the limit is disconnected', async () => {
    const before = await appCount();
    const client = await rawH2('127.0.0.1', port);
    const slowest = await duringFlood(async () => {
      client.write(Buffer.concat(Array.from({ length: 600 }, (_, i) => headers(1 + 2 * i, get('/many?ms=2000'), true))));
      await client.closed();
    });
    const seen = (await appCount()) - before;
    assert.ok(seen <= 128, `the app saw ${seen}`);
    assert.ok(slowest < 1000, `another client waited ${slowest.toFixed(0)} ms`);
  });

  test('a header list larger than large_client_header_buffers allows is refused without reaching the app', async () => {
    const before = await appCount();
    const ask = (session: http2.ClientHttp2Session, count: number): Promise<string> => {
      const fields: http2.OutgoingHttpHeaders = { ':path': '/huge' };
      for (let i = 0; i < count; i++) fields[`x-big-${i}`] = 'v'.repeat(7000);
      return new Promise<string>((resolve) => {
        const stream = session.request(fields);
        stream.on('response', (h) => resolve(`status ${h[':status']}`));
        stream.on('error', () => {});
        stream.on('close', () => resolve(`reset ${stream.rstCode}`));
        stream.resume();
      });
    };
    // Fields of 7000 bytes, each under the 8k line limit; the list's limit is 4 × 8k.
    const first = http2.connect(`http://127.0.0.1:${port}`);
    first.on('error', () => {});
    try {
      // 42 kB: 431 (node:http2's own answer), and the connection serves on.
      assert.equal(await ask(first, 6), 'status 431');
      assert.equal(await fetchText(first, '/fine'), 'ok');
    } finally {
      first.close();
    }
    const second = http2.connect(`http://127.0.0.1:${port}`);
    second.on('error', () => {});
    try {
      // 84 kB, past what nghttp2 takes in one header block: the stream is refused.
      assert.match(await ask(second, 12), /^reset [1-9]\d*$/);
    } finally {
      second.close();
    }
    assert.equal((await appCount()) - before, 0, 'the app saw none of them');
  });

  test('a request without :path or :scheme is a protocol error; CONNECT gets 400; neither reaches the app', async () => {
    const before = await appCount();
    const client = await rawH2('127.0.0.1', port);
    client.write(
      Buffer.concat([
        headers(1, [[':method', 'GET'], [':scheme', 'http'], [':authority', 'localhost']], true),
        headers(3, [[':method', 'GET'], [':authority', 'localhost'], [':path', '/no-scheme']], true),
        headers(5, get('/fine'), true),
      ]),
    );
    await pause(300);
    assert.equal(client.resets().get(1), errorCode.protocol);
    assert.equal(client.resets().get(3), errorCode.protocol);
    assert.ok(client.frames.some((f) => f.type === frameType.headers && f.stream === 5), 'a good stream beside them is answered');
    client.destroy();
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':method': 'CONNECT', ':authority': 'example.com:443' });
        stream.on('response', (h) => resolve(Number(h[':status'])));
        stream.on('error', reject);
      });
      assert.equal(status, 400);
    } finally {
      session.close();
    }
    assert.equal((await appCount()) - before, 0);
  });
});
