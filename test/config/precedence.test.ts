// Where each setting comes from: command-line flags over the environment (PORT,
// WEB_CONCURRENCY) over edge.conf over built-in defaults; and which file is read at all.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveConfigFile } from '../../src/config/load.ts';
import type { Listen } from '../../src/config/types.ts';
import { codesAndLines, load, loadOk, noFlags, tempDirs } from './helpers.ts';

const temp = tempDirs('precedence');
after(() => temp.removeAll());

/** host:port (or unix:path) and flags of each listen, as a person would read them. */
const addresses = (listens: readonly Listen[]): string[] =>
  listens.map((l) => [l.path === null ? `${l.host}:${l.port}` : `unix:${l.path}`, ...(l.ssl ? ['ssl'] : [])].join(' '));

const twoServers = `
workers 3;
app {
    module app.js;
}
app other {
    module app.js;
    workers 5;
}
server {
    listen 443 ssl;
    ssl_certificate auto;
    listen unix:/tmp/edge-test.sock;
    listen 127.0.0.1:8000;
    listen 9000;
    location / { proxy app; }
}
server {
    listen 8001;
    location / { proxy other; }
}
`;

function twoServersFile(): string {
  return path.join(temp.make({ 'edge.conf': twoServers, 'app.js': '' }), 'edge.conf');
}

test('the file over the defaults', () => {
  const config = loadOk(twoServersFile(), { cpus: 8 });
  assert.equal(config.workers, 3);
  assert.deepEqual(config.apps.map((a) => [a.name, a.workers]), [['app', 3], ['other', 5]]);
  assert.deepEqual(addresses(config.servers[0]?.listen ?? []), ['0.0.0.0:443 ssl', 'unix:/tmp/edge-test.sock', '127.0.0.1:8000', '0.0.0.0:9000']);
  assert.deepEqual(addresses(config.servers[1]?.listen ?? []), ['0.0.0.0:8001']);
});

test('PORT replaces the first plain-HTTP listen of the first server, and only that', () => {
  const config = loadOk(twoServersFile(), { env: { PORT: '7000' } });
  // Not the ssl listen, not the Unix socket; the host of the replaced listen stays.
  assert.deepEqual(addresses(config.servers[0]?.listen ?? []), ['0.0.0.0:443 ssl', 'unix:/tmp/edge-test.sock', '127.0.0.1:7000', '0.0.0.0:9000']);
  assert.deepEqual(addresses(config.servers[1]?.listen ?? []), ['0.0.0.0:8001']);
});

test('--port over PORT', () => {
  const config = loadOk(twoServersFile(), { env: { PORT: '7000' }, flags: { ...noFlags, port: 7001 } });
  assert.deepEqual(addresses(config.servers[0]?.listen ?? []).slice(2), ['127.0.0.1:7001', '0.0.0.0:9000']);
});

test('an empty PORT is no PORT', () => {
  const config = loadOk(twoServersFile(), { env: { PORT: '', WEB_CONCURRENCY: '' } });
  assert.deepEqual(addresses(config.servers[0]?.listen ?? []).slice(2), ['127.0.0.1:8000', '0.0.0.0:9000']);
  assert.equal(config.workers, 3);
});

test('PORT on a server with only TLS listeners adds a plain listen first', () => {
  const dir = temp.make({ 'app.js': '', 'edge.conf': 'app { module app.js; }\nserver {\n    listen 443 ssl;\n    ssl_certificate auto;\n}\n' });
  const config = loadOk(path.join(dir, 'edge.conf'), { env: { PORT: '8081' } });
  assert.deepEqual(addresses(config.servers[0]?.listen ?? []), ['0.0.0.0:8081', '0.0.0.0:443 ssl']);
});

test('WEB_CONCURRENCY over the file, for every app; --workers over WEB_CONCURRENCY', () => {
  const fromEnv = loadOk(twoServersFile(), { env: { WEB_CONCURRENCY: '7' } });
  assert.equal(fromEnv.workers, 7);
  assert.deepEqual(fromEnv.apps.map((a) => a.workers), [7, 7]);
  const fromFlag = loadOk(twoServersFile(), { env: { WEB_CONCURRENCY: '7' }, flags: { ...noFlags, workers: 2 } });
  assert.equal(fromFlag.workers, 2);
  assert.deepEqual(fromFlag.apps.map((a) => a.workers), [2, 2]);
});

test('a flag hides an invalid environment value it overrides', () => {
  const result = load(twoServersFile(), { env: { PORT: 'http', WEB_CONCURRENCY: 'lots' }, flags: { ...noFlags, port: 80, workers: 1 } });
  assert.deepEqual(codesAndLines(result.errors), []);
});

test('no file and an app: the defaults', () => {
  const cwd = temp.make({ 'server.js': '' });
  const config = loadOk(null, { cwd, cpus: 6, flags: { ...noFlags, app: 'server.js' } });
  assert.equal(config.file, null);
  assert.equal(config.workers, 6);
  assert.deepEqual(config.apps.map((a) => [a.name, a.module, a.workers]), [['app', path.join(cwd, 'server.js'), 6]]);
  assert.equal(config.servers.length, 1);
  const server = config.servers[0];
  assert.deepEqual(addresses(server?.listen ?? []), ['0.0.0.0:8080']);
  assert.deepEqual(server?.locations.map((l) => [l.modifier, l.path, l.proxy, l.root]), [['', '/', 'app', null]]);
  assert.equal(server?.clientMaxBodySize, 1024 * 1024);
  assert.equal(server?.keepaliveTimeout, 75_000);
});

test('no file and an app: PORT and WEB_CONCURRENCY', () => {
  const cwd = temp.make({ 'server.js': '' });
  const config = loadOk(null, { cwd, env: { PORT: '3000', WEB_CONCURRENCY: '4' }, flags: { ...noFlags, app: 'server.js' } });
  assert.deepEqual(addresses(config.servers[0]?.listen ?? []), ['0.0.0.0:3000']);
  assert.equal(config.workers, 4);
  assert.deepEqual(config.apps.map((a) => a.workers), [4]);
});

test('no file and no app: nothing to run', () => {
  assert.deepEqual(codesAndLines(load(null).errors), [
    ['EDGE_ERR_CONFIG_REFERENCE', 'the configuration defines no app and no server: nothing to run'],
  ]);
});

test('the APP argument over the module of the one app in the file', () => {
  const dir = temp.make({ 'app.js': '', 'other.js': '', 'edge.conf': 'app web {\n    module app.js;\n    workers 2;\n}\n' });
  const config = loadOk(path.join(dir, 'edge.conf'), { cwd: dir, flags: { ...noFlags, app: 'other.js' } });
  assert.deepEqual(config.apps.map((a) => [a.name, a.module, a.workers]), [['web', path.join(dir, 'other.js'), 2]]);
  assert.deepEqual(config.servers[0]?.locations.map((l) => l.proxy), ['web']);
});

test('the APP argument with two apps in the file is an error', () => {
  const result = load(twoServersFile(), { flags: { ...noFlags, app: 'app.js' } });
  assert.deepEqual(codesAndLines(result.errors), [
    [
      'EDGE_ERR_CONFIG_REFERENCE',
      'the APP argument needs a configuration with one app, and this one has 2 (app, other); set "module" in each app instead',
    ],
  ]);
});

test('workers auto, in main or in an app, and no workers at all, mean one per CPU', () => {
  const dir = temp.make({ 'app.js': '', 'auto.conf': 'workers auto;\napp { module app.js; }\n', 'app.conf': 'workers 2;\napp { module app.js; workers auto; }\n', 'none.conf': 'app { module app.js; }\n' });
  const auto = loadOk(path.join(dir, 'auto.conf'), { cpus: 5 });
  assert.deepEqual([auto.workers, auto.apps[0]?.workers], [5, 5]);
  const inApp = loadOk(path.join(dir, 'app.conf'), { cpus: 4 });
  assert.deepEqual([inApp.workers, inApp.apps[0]?.workers], [2, 4]);
  const none = loadOk(path.join(dir, 'none.conf'), { cpus: 3 });
  assert.deepEqual([none.workers, none.apps[0]?.workers], [3, 3]);
});

test('resolveConfigFile: --config, then EDGE_CONFIG, then ./edge.conf, then none', () => {
  const withLocal = temp.make({ 'edge.conf': '' });
  const without = temp.make();
  const env = { EDGE_CONFIG: 'from-env.conf' };
  assert.equal(resolveConfigFile('flag.conf', env, withLocal), path.join(withLocal, 'flag.conf'));
  assert.equal(resolveConfigFile('/etc/edge/edge.conf', env, withLocal), '/etc/edge/edge.conf');
  assert.equal(resolveConfigFile(null, env, withLocal), path.join(withLocal, 'from-env.conf'));
  assert.equal(resolveConfigFile(null, { EDGE_CONFIG: '' }, withLocal), path.join(withLocal, 'edge.conf'));
  assert.equal(resolveConfigFile(null, {}, withLocal), path.join(withLocal, 'edge.conf'));
  assert.equal(resolveConfigFile(null, {}, without), null);
  // A named file need not exist here: reading it is what reports it missing.
  assert.equal(resolveConfigFile(null, env, without), path.join(without, 'from-env.conf'));
});
