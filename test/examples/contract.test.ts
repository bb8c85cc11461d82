// The app contract's failure modes through a real edge: an app that cannot start stops the
// start within seconds, non-zero, with the app's own error and stack printed once (not once
// per worker), and a clear message when it exports nothing usable or listens twice.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir } from '../helpers/process.ts';
import { count, exitWithin } from './helpers.ts';

const { dir, remove } = makeTempDir('edge-contract-');
after(async () => {
  await stopAllEdges();
  remove();
});

/** Writes `name` with `source` and a configuration of three workers for it, and runs edge. */
async function runFailing(name: string, source: string, appDirectives = ''): Promise<{ edge: RunningEdge; code: number | null; ms: number }> {
  writeFileSync(path.join(dir, name), source);
  const conf = path.join(dir, `${name}.conf`);
  writeFileSync(conf, `workers 3;\napp { module ${name}; ${appDirectives} }\nserver { listen 127.0.0.1:0; }\n`);
  const edge = await startEdge(['run', '--config', conf], { cwd: dir, expectFailure: true });
  const { code, ms } = await exitWithin(edge, 15_000);
  return { edge, code, ms };
}

test('an app that throws while loading stops edge with its own error and stack, once', async () => {
  const { edge, code, ms } = await runFailing(
    'throws.mjs',
    "function connect() {\n  throw new Error('cannot reach the database at db:5432');\n}\nconnect();\nexport default (req, res) => res.end('never');\n",
  );
  const output = edge.output();
  assert.notEqual(code, 0, output);
  assert.ok(ms < 10_000, `exited after ${ms} ms`);
  assert.equal(count(output, 'cannot reach the database at db:5432'), 1, output);
  // The stack, pointing into the app's file, also once.
  assert.equal(count(output, `at connect (file://${path.join(dir, 'throws.mjs')}:2:9)`), 1, output);
  assert.doesNotMatch(output, /serving on/);
});

test('a CommonJS app that throws while loading, likewise', async () => {
  const { edge, code } = await runFailing('throws.cjs', "require('node:fs');\nthrow new TypeError('config.port must be a number');\n");
  const output = edge.output();
  assert.notEqual(code, 0, output);
  assert.equal(count(output, 'TypeError: config.port must be a number'), 1, output);
  assert.equal(count(output, `${path.join(dir, 'throws.cjs')}:2`), 1, output);
});

test('an app whose async set-up fails before it listens stops edge with that error, once', async () => {
  const { edge, code, ms } = await runFailing(
    'late.mjs',
    "import http from 'node:http';\nasync function connect() {\n  await new Promise((r) => setTimeout(r, 50));\n  throw new Error('login failed for user app');\n}\nconnect().then(() => http.createServer((req, res) => res.end('ok')).listen(3000));\n",
  );
  const output = edge.output();
  assert.notEqual(code, 0, output);
  assert.ok(ms < 10_000, `exited after ${ms} ms`);
  assert.equal(count(output, 'Error: login failed for user app'), 1, output);
  assert.equal(count(output, `at connect (file://${path.join(dir, 'late.mjs')}:4:9)`), 1, output);
});

test('an app that exports nothing usable and never listens fails after boot_timeout', async () => {
  const { edge, code, ms } = await runFailing('nothing.mjs', 'export const version = 1;\n', 'boot_timeout 1s;');
  const output = edge.output();
  assert.notEqual(code, 0, output);
  assert.ok(ms < 10_000, `exited after ${ms} ms`);
  assert.equal(count(output, 'did not call listen() within boot_timeout (1s)'), 1, output);
  assert.match(output, /exports nothing usable/);
  assert.match(output, /export a \(req, res\) function, an object with fetch\(request\), or an http\.Server/);
});

test('an app that exports an unusable value is told what it exported', async () => {
  const { edge, code } = await runFailing('number.mjs', 'export default 42;\n', 'boot_timeout 1s;');
  const output = edge.output();
  assert.notEqual(code, 0, output);
  assert.match(output, /the app exports number and did not call listen\(\)/);
});

test('an app that listens on two TCP ports gets the second-server error, once', async () => {
  const { edge, code, ms } = await runFailing(
    'twice.mjs',
    "import http from 'node:http';\nhttp.createServer((req, res) => res.end('main')).listen(3000);\nhttp.createServer((req, res) => res.end('admin')).listen(3001);\n",
  );
  const output = edge.output();
  assert.notEqual(code, 0, output);
  assert.ok(ms < 10_000, `exited after ${ms} ms`);
  assert.equal(count(output, 'the app started a second server on port 3001'), 1, output);
  assert.match(output, /Serve everything from one server/);
  assert.doesNotMatch(output, /Unhandled 'error' event/);
});

test('a second server on a Unix socket or without TCP is left alone', async () => {
  const socket = path.join(dir, 'admin.sock');
  writeFileSync(
    path.join(dir, 'admin.mjs'),
    `import http from 'node:http';\nhttp.createServer((req, res) => res.end('main')).listen(3000);\nhttp.createServer((req, res) => res.end('admin')).listen(${JSON.stringify(socket)});\n`,
  );
  writeFileSync(path.join(dir, 'admin.conf'), 'workers 1;\napp { module admin.mjs; }\nserver { listen 127.0.0.1:0; }\n');
  const edge = await startEdge(['run', '--config', path.join(dir, 'admin.conf')], { cwd: dir });
  assert.equal(await (await fetch(edge.url)).text(), 'main');
  await edge.stop();
});
