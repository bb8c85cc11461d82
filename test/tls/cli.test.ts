// TLS at the command line, as real processes: edge check (errors fail it, warnings do not),
// edge run refusing a bad certificate, a reload with a bad certificate keeping the old
// generation, and edge cert.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import { cleanEnv, makeTempDir, runEdge } from '../helpers/process.ts';
import { makeCert } from './make-cert.ts';

const day = 86_400_000;
const { dir, remove } = makeTempDir('edge-tls-cli-');
after(async () => {
  await stopAllEdges();
  remove();
});

// Never the user's own data directory.
const env = cleanEnv({ XDG_DATA_HOME: path.join(dir, 'xdg') });
const write = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

function site(name: string, cert: string, key: string, extra = ''): string {
  return write(
    name,
    `workers 1;\napp { module app.mjs; }\nserver {\n    listen 127.0.0.1:0;\n    listen 127.0.0.2:0 ssl;\n    server_name example.test;\n    ssl_certificate ${cert};\n    ssl_certificate_key ${key};\n    access_log off;\n${extra}}\n`,
  );
}

write('app.mjs', "export default (req, res) => res.end('up');\n");
const good = makeCert({ names: ['example.test'] });
write('good.crt', good.cert);
write('good.key', good.key);
const expired = makeCert({ names: ['example.test'], notBefore: Date.now() - 100 * day, notAfter: Date.now() - day });
write('expired.crt', expired.cert);
write('expired.key', expired.key);
const elsewhere = makeCert({ names: ['elsewhere.test'] });
write('elsewhere.crt', elsewhere.cert);
write('elsewhere.key', elsewhere.key);

describe('edge check', () => {
  test('a missing certificate fails it, naming the directive and the file', async () => {
    const conf = site('missing.conf', 'missing.crt', 'good.key');
    const r = await runEdge(['check', '--config', conf], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `missing.conf:7:5: cannot read the certificate file ${path.join(dir, 'missing.crt')}: no such file\nedge: configuration file missing.conf test failed (1 error)\n`,
    );
  });

  test('a certificate for other names is a warning: the check succeeds', async () => {
    const conf = site('names.conf', 'elsewhere.crt', 'elsewhere.key');
    const r = await runEdge(['check', '--config', conf], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /names\.conf:7:5: warning: the certificate in .*elsewhere\.crt is for elsewhere\.test, and none of the server's names \(example\.test\)/);
    assert.match(r.stderr, /test is successful\n$/);
  });

  test('an ssl listen without certificate is a configuration error', async () => {
    const conf = write('nocert.conf', 'app { module app.mjs; }\nserver {\n    listen 8443 ssl;\n}\n');
    const r = await runEdge(['check', '--config', conf], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nocert\.conf:3:5: no "ssl_certificate" is defined for the "listen \.\.\. ssl" directive/);
  });
});

describe('edge run and reload', () => {
  test('run refuses an expired certificate with one line naming the file, exit 1', async () => {
    const conf = site('expired.conf', 'expired.crt', 'expired.key');
    const r = await runEdge(['run', '--config', conf], { cwd: dir, env, timeoutMs: 15_000 });
    assert.equal(r.code, 1);
    const errors = r.stderr.split('\n').filter((l) => l.includes('[error]'));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0] ?? '', /expired\.conf:7:5: the certificate in .*expired\.crt \(for example\.test\) expired on /);
    assert.doesNotMatch(r.stderr, /serving on/);
  });

  test('a reload with a bad certificate keeps the old generation serving; a good one is read again', async (t) => {
    const live = path.join(dir, 'live');
    mkdirSync(live, { recursive: true });
    writeFileSync(path.join(live, 'site.crt'), good.cert);
    writeFileSync(path.join(live, 'site.key'), good.key);
    const conf = site('reload.conf', 'live/site.crt', 'live/site.key', '    ssl_session_timeout 1s;\n');
    writeFileSync(conf, `error_log stderr debug;\n${readFileSync(conf, 'utf8')}`);
    const edge = await startEdge(['run', '--config', conf], { cwd: dir, env: { XDG_DATA_HOME: path.join(dir, 'xdg') } });
    t.after(() => edge.stop());
    assert.match(edge.output(), /serving on http:\/\/127\.0\.0\.1:\d+, https:\/\/127\.0\.0\.2:\d+/);
    // Ticket keys are rotated every ssl_session_timeout.
    await edge.waitFor(/session ticket keys rotated/, 5000);

    writeFileSync(path.join(live, 'site.crt'), expired.cert);
    writeFileSync(path.join(live, 'site.key'), expired.key);
    const bad = await runEdge(['reload', '--config', conf], { cwd: dir, env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /reload failed: .*reload\.conf:8:5: the certificate in .*live\/site\.crt \(for example\.test\) expired on .*; the running generation keeps serving/);
    assert.equal(await (await request(edge.url, { reset: true })).body.text(), 'up');

    const renewed = makeCert({ names: ['example.test'], notAfter: Date.now() + 200 * day });
    writeFileSync(path.join(live, 'site.crt'), renewed.cert);
    writeFileSync(path.join(live, 'site.key'), renewed.key);
    const ok = await runEdge(['reload', '--config', conf], { cwd: dir, env });
    assert.equal(ok.code, 0, ok.stderr);
    const until = new Date(Date.parse(new X509Certificate(renewed.cert).validTo)).toISOString();
    await edge.waitFor(new RegExp(`TLS certificate .*live/site\\.crt for example\\.test, valid until ${until.replace(/\./g, '\\.')}`));
    assert.equal(await (await request(edge.url, { reset: true })).body.text(), 'up');
    assert.equal((await edge.stop()).code, 0);
  });
});

describe('edge cert', () => {
  test('makes the CA in the per-user data directory and says how to trust it', async () => {
    const r = await runEdge(['cert'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const ca = path.join(dir, 'xdg', 'edge', 'certs', 'ca.crt');
    assert.ok(existsSync(ca));
    assert.match(r.stdout, new RegExp(`^edge development CA: ${ca.replace(/\./g, '\\.')}\ncreated now, valid until `));
    for (const line of [
      `sudo cp ${ca} /usr/local/share/ca-certificates/edge-dev.crt`,
      'sudo update-ca-certificates',
      `certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n edge-dev -i ${ca}`,
      `NODE_EXTRA_CA_CERTS=${ca} node app.js`,
      `curl --cacert ${ca} https://localhost:8443/`,
    ]) {
      assert.ok(r.stdout.includes(line), `missing: ${line}`);
    }
    const again = await runEdge(['cert', '--path'], { cwd: dir, env });
    assert.equal(again.stdout, `${ca}\n`);
    assert.equal(readFileSync(ca, 'utf8'), readFileSync(ca, 'utf8'));
  });

  test('--config: the CA of that file\'s ssl_auto_dir', async () => {
    const conf = write('auto.conf', 'ssl_auto_dir project-certs;\napp { module app.mjs; }\n');
    const r = await runEdge(['cert', '--path', '--config', conf], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${path.join(dir, 'project-certs', 'ca.crt')}\n`);
    const second = await runEdge(['cert', '--config', conf], { cwd: dir, env });
    assert.match(second.stdout, /\nmade earlier, valid until /);
  });
});
