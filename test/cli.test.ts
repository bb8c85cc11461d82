// The command line, run as a real process from source: exit codes, where messages go, and
// what each command prints.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, makeTempDir, runEdge } from './helpers/process.ts';

let dir: string;
let remove: () => void;

before(() => {
  ({ dir, remove } = makeTempDir('edge-cli-'));
  writeFileSync(path.join(dir, 'app.js'), 'module.exports = (req, res) => res.end("hi");\n');
  writeFileSync(path.join(dir, 'good.conf'), 'workers 3;\napp {\n    module app.js;\n}\n');
  writeFileSync(
    path.join(dir, 'bad.conf'),
    ['wokers 2;', 'app {', '    module app.js;', '    timeout soon;', '}', 'server {', '    listen 99999;', '}', ''].join('\n'),
  );
});

after(() => remove());

describe('usage errors', () => {
  test('an unknown command exits 2 with one line that suggests the right one', async () => {
    const r = await runEdge(['chek'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'edge: unknown command "chek"; did you mean "check"?; see edge help\n');
  });

  test('an unknown flag exits 2 with one line naming the flag and the command', async () => {
    const r = await runEdge(['check', '--frobnicate'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'edge: unknown flag "--frobnicate" for "edge check"; see edge check --help\n');
  });

  test('a flag without its value exits 2', async () => {
    const r = await runEdge(['check', '--config'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'edge: flag "--config" needs a value; see edge check --help\n');
  });

  test('an extra argument exits 2', async () => {
    const r = await runEdge(['version', 'extra'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'edge: unexpected argument "extra" for "edge version"; see edge version --help\n');
  });

  test('a bad --port value exits 2', async () => {
    const r = await runEdge(['config', '--port', 'http', 'app.js'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'edge: flag "--port": expected a port from 0 to 65535, got "http"\n');
  });

  test('nothing to run: no config anywhere and no app', async () => {
    const r = await runEdge(['run'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^edge: no configuration: there is no \.\/edge\.conf, no --config and no EDGE_CONFIG/);
  });
});

describe('help', () => {
  test('edge help lists every command', async () => {
    const r = await runEdge(['help']);
    assert.equal(r.code, 0);
    for (const name of ['run', 'check', 'config', 'fmt', 'reload', 'stop', 'status', 'scale', 'selftest', 'version', 'help']) {
      assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
    }
  });

  test('--help works for every command and shows its flags', async () => {
    for (const [command, flag] of [
      ['run', '--workers'],
      ['check', '--config'],
      ['config', '--json'],
      ['fmt', '--write'],
      ['selftest', '--help'],
      ['version', '--help'],
    ] as const) {
      const r = await runEdge([command, '--help']);
      assert.equal(r.code, 0, command);
      assert.match(r.stdout, new RegExp(`^Usage: edge .*${command === 'run' ? '\\[run\\]' : command}`, 'm'));
      assert.ok(r.stdout.includes(flag), `${command} --help mentions ${flag}`);
    }
  });
});

describe('edge check', () => {
  test('a valid file: exit 0 and the nginx -t style line on stderr', async () => {
    const r = await runEdge(['check', '--config', 'good.conf'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'edge: configuration file good.conf test is successful\n');
  });

  test('an invalid file: every error with file:line:col, then the summary, exit 1', async () => {
    const r = await runEdge(['check', '--config', 'bad.conf'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      [
        'bad.conf:1:1: unknown directive "wokers"; did you mean "workers"?',
        'bad.conf:4:5: "timeout": expected a duration such as 500ms, 30s, 5m or 1h, got "soon"',
        'bad.conf:7:5: "listen": expected a port from 0 to 65535, got "99999"',
        'edge: configuration file bad.conf test failed (3 errors)',
        '',
      ].join('\n'),
    );
  });

  test('EDGE_CONFIG names the file when --config is absent', async () => {
    const r = await runEdge(['check'], { cwd: dir, env: cleanEnv({ EDGE_CONFIG: 'bad.conf' }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /configuration file bad\.conf test failed/);
  });

  test('a missing file: exit 1 naming the file and the reason', async () => {
    const r = await runEdge(['check', '--config', 'nope.conf'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'edge: cannot read config file "nope.conf": no such file\nedge: configuration file nope.conf test failed (1 error)\n',
    );
  });
});

describe('edge config', () => {
  test('--json shows the effective values: flags over environment over file', async () => {
    const env = cleanEnv({ PORT: '9001', WEB_CONCURRENCY: '5' });
    const fromEnv = JSON.parse((await runEdge(['config', '--json', '--config', 'good.conf'], { cwd: dir, env })).stdout);
    assert.equal(fromEnv.workers, 5);
    assert.equal(fromEnv.servers[0].listen[0].port, 9001);
    const fromFlags = JSON.parse(
      (await runEdge(['config', '--json', '-c', 'good.conf', '--port', '9002', '--workers', '7'], { cwd: dir, env })).stdout,
    );
    assert.equal(fromFlags.workers, 7);
    assert.equal(fromFlags.apps[0].workers, 7);
    assert.equal(fromFlags.servers[0].listen[0].port, 9002);
    const fromFile = JSON.parse((await runEdge(['config', '--json', '-c', 'good.conf'], { cwd: dir })).stdout);
    assert.equal(fromFile.workers, 3);
    assert.equal(fromFile.servers[0].listen[0].port, 8080);
  });

  test('prints edge.conf text that edge check accepts and that prints the same again', async () => {
    const first = await runEdge(['config', '-c', 'good.conf'], { cwd: dir });
    assert.equal(first.code, 0);
    assert.match(first.stdout, /^app app \{$/m);
    assert.match(first.stdout, /^ {8}proxy app;$/m);
    writeFileSync(path.join(dir, 'effective.conf'), first.stdout);
    const second = await runEdge(['config', '-c', 'effective.conf'], { cwd: dir });
    assert.equal(second.code, 0);
    assert.equal(second.stdout, first.stdout);
  });

  test('with only an app path, built-in defaults: $PORT or 8080, one worker per core or WEB_CONCURRENCY', async () => {
    const bare = JSON.parse((await runEdge(['config', '--json', 'app.js'], { cwd: dir })).stdout);
    assert.equal(bare.file, null);
    assert.equal(bare.apps[0].module, path.join(dir, 'app.js'));
    assert.deepEqual(
      bare.servers[0].listen.map((l: { host: string; port: number }) => `${l.host}:${l.port}`),
      ['0.0.0.0:8080'],
    );
    assert.ok(bare.workers >= 1);
    const env = cleanEnv({ PORT: '3000', WEB_CONCURRENCY: '2' });
    const withEnv = JSON.parse((await runEdge(['config', '--json', 'app.js'], { cwd: dir, env })).stdout);
    assert.equal(withEnv.servers[0].listen[0].port, 3000);
    assert.equal(withEnv.workers, 2);
  });

  test('an invalid PORT in the environment is an error that names it', async () => {
    const r = await runEdge(['config', 'app.js'], { cwd: dir, env: cleanEnv({ PORT: 'eighty' }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'edge: environment variable PORT=eighty: expected a port from 0 to 65535, got "eighty"\n');
  });
});

describe('edge fmt', () => {
  const messy = [
    '# edge config',
    'workers   ${WORKERS:-2};   # per core',
    '',
    '',
    'app { module "app.js"; env "GREETING=hello world"; }',
    'server {',
    'listen 8080;',
    '      location ~ \\.php$ { return 404; }',
    '}',
    '',
  ].join('\n');
  const canonical = [
    '# edge config',
    'workers ${WORKERS:-2};  # per core',
    '',
    'app {',
    '    module app.js;',
    '    env "GREETING=hello world";',
    '}',
    'server {',
    '    listen 8080;',
    '    location ~ \\.php$ {',
    '        return 404;',
    '    }',
    '}',
    '',
  ].join('\n');

  test('prints the canonical form, keeping comments and ${VAR} references', async () => {
    writeFileSync(path.join(dir, 'messy.conf'), messy);
    const r = await runEdge(['fmt', 'messy.conf'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, canonical);
  });

  test('--check fails on a file that is not canonical and passes on one that is', async () => {
    writeFileSync(path.join(dir, 'messy.conf'), messy);
    const bad = await runEdge(['fmt', '--check', 'messy.conf'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'edge: messy.conf is not in canonical form; run edge fmt --write messy.conf\n');
    writeFileSync(path.join(dir, 'canonical.conf'), canonical);
    assert.equal((await runEdge(['fmt', '--check', 'canonical.conf'], { cwd: dir })).code, 0);
  });

  test('--write rewrites the file in place; a file with a syntax error is left untouched', async () => {
    writeFileSync(path.join(dir, 'messy.conf'), messy);
    assert.equal((await runEdge(['fmt', '--write', 'messy.conf'], { cwd: dir })).code, 0);
    assert.equal(readFileSync(path.join(dir, 'messy.conf'), 'utf8'), canonical);

    const broken = 'app {\n    module "app.js;\n}\n';
    writeFileSync(path.join(dir, 'broken.conf'), broken);
    const r = await runEdge(['fmt', '--write', 'broken.conf'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'broken.conf:2:12: unterminated string: missing closing " before end of file\n');
    assert.equal(readFileSync(path.join(dir, 'broken.conf'), 'utf8'), broken);
  });
});

describe('edge run', () => {
  test('an invalid configuration stops run with exit 1 before anything starts', async () => {
    const r = await runEdge(['run', '-c', 'bad.conf'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^bad\.conf:1:1: unknown directive "wokers"/);
  });
});

test('edge version names edge and its Node runtime', async () => {
  const r = await runEdge(['version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^edge \d+\.\d+\.\d+ \(node v24\.\d+\.\d+, linux-x64, from source\)\n$/);
});

test('edge selftest from source starts src/main.ts in the probe role and loads a TypeScript app', async () => {
  writeFileSync(path.join(dir, 'typed.ts'), 'const n: number = 1;\nexport default { fetch: () => new Response(String(n)) };\n');
  const r = await runEdge(['selftest', 'typed.ts'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ok {3}role: a copy of edge started in the probe role/);
  assert.match(r.stdout, /^ok {3}load typed\.ts: default export is an object with fetch\(\)$/m);
});
