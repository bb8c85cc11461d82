// The single executable on its own: copied into an empty folder with no node_modules above
// it and no Node on PATH, it must answer, check configs, start itself in another role, and
// load CommonJS, ESM and TypeScript apps from disk.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtExecutable, makeTempDir, repoRoot, runFile } from './helpers/process.ts';
import type { RunOptions } from './helpers/process.ts';

let dir: string;
let remove: () => void;
let edge: string;
let env: Record<string, string>;

const apps: Record<string, string> = {
  'handler.cjs': 'module.exports = (req, res) => res.end("cjs");\n',
  'fetch.mjs': 'export default { fetch: () => new Response("esm") };\n',
  'handler.ts': [
    'import type { IncomingMessage, ServerResponse } from "node:http";',
    'const greeting: string = "ts";',
    'export default (req: IncomingMessage, res: ServerResponse): void => { res.end(greeting); };',
    '',
  ].join('\n'),
  'awaits.mjs': 'await new Promise((r) => setTimeout(r, 20));\nexport default (req, res) => res.end("tla");\n',
  'server.cjs': 'const http = require("node:http");\nmodule.exports = http.createServer((q, s) => s.end("srv"));\n',
  'esm-pkg/package.json': '{ "type": "module" }\n',
  'esm-pkg/app.js': 'import { helper } from "./helper.js";\nexport default helper;\n',
  'esm-pkg/helper.js': 'export const helper = (req, res) => res.end("pkg");\n',
  'throws.cjs': 'throw new Error("database is down at load time");\n',
};

before(() => {
  if (!existsSync(builtExecutable)) {
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build.ts')], { stdio: 'inherit' });
  }
  ({ dir, remove } = makeTempDir('edge-sea-'));
  edge = path.join(dir, 'edge');
  copyFileSync(builtExecutable, edge);
  execFileSync('chmod', ['755', edge]);
  for (const [name, text] of Object.entries(apps)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  writeFileSync(path.join(dir, 'good.conf'), 'app {\n    module handler.cjs;\n}\nserver {\n    listen 127.0.0.1:8080;\n}\n');
  writeFileSync(path.join(dir, 'bad.conf'), 'app {\n    module handler.cjs;\n    worker_class threads;\n}\n');
  // No Node and no node_modules reachable: an empty PATH directory and nothing else.
  const emptyBin = path.join(dir, 'empty-bin');
  mkdirSync(emptyBin);
  env = { PATH: emptyBin, HOME: dir };
});

after(() => remove());

function run(args: string[], options: RunOptions = {}) {
  return runFile(edge, args, { cwd: dir, env, ...options });
}

test('the folder holds nothing but edge, and no node_modules is above it', () => {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    assert.equal(existsSync(path.join(d, 'node_modules')), false, `node_modules above the executable at ${d}`);
  }
});

test('edge version runs as a single executable with Node 24 inside', async () => {
  const r = await run(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^edge \d+\.\d+\.\d+ \(node v24\.\d+\.\d+, linux-x64, single executable\)\n$/);
  assert.equal(r.stderr, '', 'no experimental warning or other noise');
});

describe('edge check', () => {
  test('a good config: exit 0', async () => {
    const r = await run(['check', '--config', 'good.conf']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'edge: configuration file good.conf test is successful\n');
  });

  test('a bad config: exit 1 with file:line:col', async () => {
    const r = await run(['check', '--config', 'bad.conf']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'bad.conf:3:5: "worker_class": expected async or sync, got "threads"\nedge: configuration file bad.conf test failed (1 error)\n',
    );
  });
});

describe('roles and app loading (edge selftest)', () => {
  test('starts a copy of itself in the probe role and exchanges messages over IPC', async () => {
    const r = await run(['selftest']);
    assert.equal(r.code, 0, r.stderr);
    const m = /^ok {3}role: a copy of edge started in the probe role \(pid (\d+)\) and answered over IPC/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.notEqual(Number(m[1]), 0);
  });

  test('loads CommonJS, ESM (with top-level await, and "type": "module") and TypeScript apps', async () => {
    const names = ['handler.cjs', 'fetch.mjs', 'handler.ts', 'awaits.mjs', 'server.cjs', 'esm-pkg/app.js'];
    const r = await run(['selftest', ...names]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n').slice(1);
    assert.deepEqual(lines, [
      'ok   load handler.cjs: default export is a request handler function',
      'ok   load fetch.mjs: default export is an object with fetch()',
      'ok   load handler.ts: default export is a request handler function',
      'ok   load awaits.mjs: default export is a request handler function',
      'ok   load server.cjs: default export is a server object',
      'ok   load esm-pkg/app.js: default export is a request handler function',
    ]);
  });

  test("an app that throws at load: the app's own error, exit 1", async () => {
    const r = await run(['selftest', 'throws.cjs', 'missing.js']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL load throws\.cjs: cannot load app .*throws\.cjs: \nError: database is down at load time\n {4}at /m);
    assert.match(r.stdout, /^FAIL load missing\.js: cannot load app .*missing\.js: no such file$/m);
  });

  test('an unknown role is refused with a clear message', async () => {
    const r = await run([], { env: { ...env, EDGE_ROLE: 'janitor' } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'edge: unknown role "janitor" in EDGE_ROLE; known roles: probe, worker, front\n');
  });
});
