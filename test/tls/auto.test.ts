// `ssl_certificate auto`: the local CA made once (private directory and keys), reused with
// the same bytes, and server certificates issued again when they are about to expire or no
// longer cover the server's names.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureCa } from '../../src/tls/auto.ts';
import { loadTlsMaterial } from '../../src/tls/material.ts';
import type { ServerTls } from '../../src/tls/types.ts';
import { makeTempDir } from '../helpers/process.ts';
import { loadConf, tlsServer } from './helpers.ts';
import { makeCert } from './make-cert.ts';

const day = 86_400_000;
const { dir, remove } = makeTempDir('edge-tls-auto-');
after(() => remove());

const modeOf = (file: string): number => statSync(file).mode & 0o777;

function autoConf(certDir: string, names: string): string {
  return `ssl_auto_dir ${certDir};\n${tlsServer(`    server_name ${names};\n    ssl_certificate auto;`)}`;
}

async function loadAuto(certDir: string, names: string, now?: number): Promise<ServerTls> {
  const config = loadConf(dir, autoConf(certDir, names));
  const { servers, problems } = await loadTlsMaterial(config, now === undefined ? { mode: 'run' } : { mode: 'run', now });
  assert.deepEqual(problems, []);
  return servers[0] as ServerTls;
}

describe('the local CA', () => {
  test('made once: a private directory, a private key, ten years; the same bytes the next time', async () => {
    const certDir = path.join(dir, 'ca-once', 'certs');
    const first = await ensureCa(certDir);
    assert.equal(first.created, true);
    assert.equal(modeOf(certDir), 0o700);
    assert.equal(modeOf(first.keyPath), 0o600);
    const x509 = new X509Certificate(first.cert);
    assert.equal(x509.ca, true);
    const years = (Date.parse(x509.validTo) - Date.now()) / (365 * day);
    assert.ok(years > 9.9 && years < 10.1, `${years} years`);
    const second = await ensureCa(certDir);
    assert.equal(second.created, false);
    assert.equal(second.cert, first.cert);
    assert.equal(readFileSync(first.keyPath, 'utf8'), first.key);
  });

  test('a directory others can read is made private', async () => {
    const certDir = path.join(dir, 'open');
    await ensureCa(certDir);
    const { chmodSync } = await import('node:fs');
    chmodSync(certDir, 0o755);
    await ensureCa(certDir);
    assert.equal(modeOf(certDir), 0o700);
  });

  test('a CA whose key does not match is an error, not silently replaced', async () => {
    const certDir = path.join(dir, 'broken');
    await ensureCa(certDir);
    writeFileSync(path.join(certDir, 'ca.key'), makeCert({ names: ['x'] }).key);
    const config = loadConf(dir, autoConf(certDir, 'example.test'));
    const { servers, problems } = await loadTlsMaterial(config, { mode: 'run' });
    assert.equal(servers[0], null);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'EDGE_ERR_TLS_AUTO');
    assert.equal(problems[0]?.where?.line, 5);
    assert.match(problems[0]?.message ?? '', /the development CA in .*broken cannot be used \(the key does not match the certificate\); remove ca\.crt and ca\.key/);
  });
});

describe('server certificates', () => {
  test("the server's names plus localhost, 127.0.0.1 and ::1, signed by the CA, reused with the same bytes", async () => {
    const certDir = path.join(dir, 'leaf');
    const t = await loadAuto(certDir, 'example.test *.api.example.test');
    assert.deepEqual(t.certNames, ['example.test', '*.api.example.test', 'localhost', '127.0.0.1', '::1']);
    const leaf = new X509Certificate(t.cert);
    const ca = new X509Certificate(readFileSync(path.join(certDir, 'ca.crt')));
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'signed by the CA');
    assert.equal(leaf.ca, false);
    assert.ok(Date.parse(leaf.validTo) - Date.now() <= 397 * day);
    assert.equal(t.certFile, path.join(certDir, 'example.test.crt'));
    assert.equal(modeOf(path.join(certDir, 'example.test.key')), 0o600);
    // Strict parsers (Chromium's) refuse a PrintableString holding `@`, as the CA's name does.
    for (const pem of [t.cert, readFileSync(path.join(certDir, 'ca.crt'), 'utf8')]) {
      const names = spawnSync('openssl', ['asn1parse'], { input: pem, encoding: 'utf8' }).stdout;
      assert.match(names, /UTF8STRING/);
      assert.doesNotMatch(names, /PRINTABLESTRING/);
    }
    const again = await loadAuto(certDir, 'example.test *.api.example.test');
    assert.equal(again.cert, t.cert);
    assert.equal(again.key, t.key);
  });

  test('issued again when it expires within 30 days; the CA stays', async () => {
    const certDir = path.join(dir, 'renew');
    const t = await loadAuto(certDir, 'example.test');
    const ca = readFileSync(path.join(certDir, 'ca.crt'), 'utf8');
    const expires = Date.parse(new X509Certificate(t.cert).validTo);
    const stillGood = await loadAuto(certDir, 'example.test', expires - 31 * day);
    assert.equal(stillGood.cert, t.cert);
    const renewed = await loadAuto(certDir, 'example.test', expires - 29 * day);
    assert.notEqual(renewed.cert, t.cert);
    assert.ok(Date.parse(new X509Certificate(renewed.cert).validTo) > expires);
    assert.equal(readFileSync(path.join(certDir, 'ca.crt'), 'utf8'), ca);
  });

  test('issued again when the names change', async () => {
    const certDir = path.join(dir, 'names');
    const t = await loadAuto(certDir, 'example.test');
    const more = await loadAuto(certDir, 'example.test www.example.test');
    assert.notEqual(more.cert, t.cert);
    assert.deepEqual(more.certNames, ['example.test', 'www.example.test', 'localhost', '127.0.0.1', '::1']);
  });

  test('issued again when the CA was replaced', async () => {
    const certDir = path.join(dir, 'new-ca');
    const t = await loadAuto(certDir, 'example.test');
    const { rmSync } = await import('node:fs');
    rmSync(path.join(certDir, 'ca.crt'));
    rmSync(path.join(certDir, 'ca.key'));
    const after = await loadAuto(certDir, 'example.test');
    assert.notEqual(after.cert, t.cert);
    const ca = new X509Certificate(readFileSync(path.join(certDir, 'ca.crt')));
    assert.ok(new X509Certificate(after.cert).verify(ca.publicKey));
  });

  test('a server without names gets localhost; edge check writes nothing', async () => {
    const certDir = path.join(dir, 'nameless');
    const config = loadConf(dir, `ssl_auto_dir ${certDir};\n${tlsServer('    ssl_certificate auto;')}`);
    const checked = await loadTlsMaterial(config, { mode: 'check' });
    assert.deepEqual(checked.problems, []);
    assert.throws(() => statSync(certDir), /ENOENT/);
    const { servers } = await loadTlsMaterial(config, { mode: 'run' });
    assert.deepEqual(servers[0]?.certNames, ['localhost', '127.0.0.1', '::1']);
    assert.equal(servers[0]?.certFile, path.join(certDir, 'localhost.crt'));
  });
});
