// The page `npm start` serves, in a real browser: Debian's Chromium, headless, driven by
// playwright-core, loads config/edge.conf's page over HTTPS (development certificate, errors
// ignored) and over plain HTTP, and checks that the page's script reached the app through
// the front and which protocol carried the page (h2 over TLS).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { repoRoot, startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';

const executablePath = '/usr/bin/chromium';
const { dir, remove } = makeTempDir('edge-browser-');
let browser: Browser | null = null;
let httpPort = 0;
let httpsPort = 0;

// The default configuration listens on fixed ports from the environment: take two free ones.
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  httpPort = await freePort();
  httpsPort = await freePort();
  await startEdge(['run', '--config', path.join(repoRoot, 'config/edge.conf')], {
    cwd: dir,
    env: { PORT: String(httpPort), TLS_PORT: String(httpsPort), EDGE_CERT_DIR: path.join(dir, 'certs'), WEB_CONCURRENCY: '1' },
    timeoutMs: 60_000,
  });
  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await stopAllEdges();
  remove();
});

async function load(url: string): Promise<{ protocol: string; app: string }> {
  assert.ok(browser);
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    const response = await page.goto(url);
    assert.equal(response?.status(), 200);
    await page.waitForSelector('#app[data-ok="true"]', { timeout: 10_000 });
    return { protocol: (await page.textContent('#protocol')) ?? '', app: (await page.textContent('#app')) ?? '' };
  } finally {
    await context.close();
  }
}

test('Chromium is installed where the test expects it', () => {
  assert.ok(existsSync(executablePath), `${executablePath} is missing: .ci/run installs Debian's chromium`);
});

test('over HTTPS the page comes over h2 and its script reaches the app, which sees TLS', async () => {
  const { protocol, app } = await load(`https://localhost:${httpsPort}/`);
  assert.equal(protocol, 'h2');
  assert.match(app, /^Hello from the app \(you are 127\.0\.0\.1, over TLSv1\.3\)$/);
});

test('over plain HTTP the same page comes over HTTP/1.1', async () => {
  const { protocol, app } = await load(`http://localhost:${httpPort}/`);
  assert.equal(protocol, 'http/1.1');
  assert.match(app, /^Hello from the app \(you are 127\.0\.0\.1\)$/);
});
