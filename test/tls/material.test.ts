// Reading and checking certificate files (src/tls/material.ts) with certificates made in the
// test: a good chain, then each way a file can be wrong, with the file and the directive named.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { once } from 'node:events';
import { loadTlsMaterial } from '../../src/tls/material.ts';
import { decodeTicketKeys, newTicketKeys } from '../../src/tls/ticket-keys.ts';
import { problemText } from '../../src/tls/types.ts';
import type { ServerTls } from '../../src/tls/types.ts';
import { makeTempDir } from '../helpers/process.ts';
import { loadConf, tlsServer } from './helpers.ts';
import { makeCert } from './make-cert.ts';
import type { Pair } from './make-cert.ts';

const day = 86_400_000;
const { dir, remove } = makeTempDir('edge-tls-material-');
after(() => remove());

let ca: Pair;
let site: Pair;
const write = (name: string, text: string | Buffer): string => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

before(() => {
  ca = makeCert({ names: ['edge test CA'], ca: true });
  site = makeCert({ names: ['example.test', 'www.example.test', '127.0.0.1'], issuer: ca });
  write('chain.crt', site.cert + ca.cert);
  write('site.key', site.key);
});

/** Loads one TLS server with these certificate lines; the lines start at line 3. */
async function load(lines: string, names = 'example.test') {
  const config = loadConf(dir, tlsServer(`    server_name ${names};\n${lines}`));
  return loadTlsMaterial(config, { mode: 'check' });
}

describe('a good certificate', () => {
  test('the chain, the key and the settings, as plain data', async () => {
    const conf = `server {\n    listen 8080;\n    location / { return 200; }\n}\n${tlsServer('    server_name www.example.test;\n    ssl_certificate chain.crt;\n    ssl_certificate_key site.key;\n    ssl_protocols TLSv1.3;\n    ssl_session_timeout 1h;')}`;
    const material = await loadTlsMaterial(loadConf(dir, conf), { mode: 'run' });
    assert.deepEqual(material.problems, []);
    assert.equal(material.servers[0], null, 'no ssl listen, no material');
    const tls1 = material.servers[1] as ServerTls;
    assert.equal(tls1.cert.match(/BEGIN CERTIFICATE/g)?.length, 2, 'the whole chain');
    assert.ok(new X509Certificate(tls1.cert).checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(tls1.key))));
    assert.deepEqual(tls1.names, ['www.example.test']);
    assert.deepEqual(tls1.certNames, ['example.test', 'www.example.test', '127.0.0.1']);
    assert.equal(tls1.notAfter, Date.parse(new X509Certificate(site.cert).validTo));
    assert.equal(tls1.minVersion, 'TLSv1.3');
    assert.equal(tls1.maxVersion, 'TLSv1.3');
    assert.match(tls1.ciphers, /^ECDHE-ECDSA-AES128-GCM-SHA256:/);
    assert.equal(tls1.sessionTimeout, 3600);
    assert.equal(tls1.tickets, true);
    assert.equal(tls1.certFile, path.join(dir, 'chain.crt'));
    // It crosses IPC as JSON unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(material.servers)), material.servers);
  });

  test('a front can serve it: a client that trusts the CA completes the handshake, and the ticket keys fit', async () => {
    const material = await loadTlsMaterial(loadConf(dir, tlsServer('    server_name example.test;\n    ssl_certificate chain.crt;\n    ssl_certificate_key site.key;')), { mode: 'run' });
    const t = material.servers[0] as ServerTls;
    const server = tls.createServer({ cert: t.cert, key: t.key, minVersion: t.minVersion, maxVersion: t.maxVersion, ciphers: t.ciphers, sessionTimeout: t.sessionTimeout }, (s) => s.end('hi'));
    server.setTicketKeys(decodeTicketKeys(newTicketKeys()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const port = (server.address() as { port: number }).port;
      const socket = tls.connect({ port, host: '127.0.0.1', servername: 'www.example.test', ca: ca.cert });
      await once(socket, 'secureConnect');
      assert.equal(socket.authorized, true, String(socket.authorizationError));
      socket.destroy();
    } finally {
      server.close();
    }
  });

  test('ticket keys are 48 bytes; anything else is refused', () => {
    assert.equal(decodeTicketKeys(newTicketKeys()).length, 48);
    assert.notEqual(newTicketKeys(), newTicketKeys());
    assert.throws(() => decodeTicketKeys(Buffer.alloc(32).toString('base64')), /48 bytes, got 32/);
  });
});

describe('problems, each naming the file and the directive', () => {
  test('a missing certificate file, and a key file that is a directory', async () => {
    const { servers, problems } = await load('    ssl_certificate missing.crt;\n    ssl_certificate_key .;');
    assert.equal(servers[0], null);
    assert.deepEqual(
      problems.map((p) => [p.code, problemText(p)]),
      [
        ['EDGE_ERR_TLS_CERT_READ', `${path.join(dir, 'edge.conf')}:4:5: cannot read the certificate file ${path.join(dir, 'missing.crt')}: no such file`],
        ['EDGE_ERR_TLS_CERT_READ', `${path.join(dir, 'edge.conf')}:5:5: cannot read the key file ${dir}: it is a directory`],
      ],
    );
  });

  test('a file that is not PEM, and the key given as the certificate', async () => {
    write('der.crt', Buffer.from(new X509Certificate(site.cert).raw));
    let { problems } = await load('    ssl_certificate der.crt;\n    ssl_certificate_key site.key;');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'EDGE_ERR_TLS_PEM');
    assert.match(problems[0]?.message ?? '', /der\.crt holds no PEM certificate .*it is not PEM/);
    ({ problems } = await load('    ssl_certificate site.key;\n    ssl_certificate_key chain.crt;'));
    assert.deepEqual(
      problems.map((p) => [p.code, p.where?.line, p.message.replace(dir, 'DIR')]),
      [
        ['EDGE_ERR_TLS_PEM', 4, 'DIR/site.key holds no PEM certificate (-----BEGIN CERTIFICATE-----) (it holds a private key: is it the key file?)'],
        ['EDGE_ERR_TLS_PEM', 5, 'DIR/chain.crt holds no PEM private key (-----BEGIN PRIVATE KEY-----) (it holds a certificate: is it the certificate file?)'],
      ],
    );
  });

  test('a key that does not match the certificate', async () => {
    write('other.key', makeCert({ names: ['x.test'] }).key);
    const { servers, problems } = await load('    ssl_certificate chain.crt;\n    ssl_certificate_key other.key;');
    assert.equal(servers[0], null);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'EDGE_ERR_TLS_KEY_MISMATCH');
    assert.equal(problems[0]?.where?.line, 5, 'at ssl_certificate_key');
    assert.match(problems[0]?.message ?? '', /other\.key does not match the certificate in .*chain\.crt \(for example\.test/);
  });

  test('the intermediate first in the chain is a key mismatch too', async () => {
    write('reversed.crt', ca.cert + site.cert);
    const { problems } = await load('    ssl_certificate reversed.crt;\n    ssl_certificate_key site.key;');
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.code), ['EDGE_ERR_TLS_KEY_MISMATCH']);
  });

  test('an expired certificate, and one not valid yet', async () => {
    const old = makeCert({ names: ['example.test'], notBefore: Date.now() - 400 * day, notAfter: Date.now() - day });
    write('old.crt', old.cert);
    write('old.key', old.key);
    let { servers, problems } = await load('    ssl_certificate old.crt;\n    ssl_certificate_key old.key;');
    assert.equal(servers[0], null);
    assert.deepEqual(problems.map((p) => [p.code, p.where?.line]), [['EDGE_ERR_TLS_CERT_EXPIRED', 4]]);
    assert.match(problems[0]?.message ?? '', /old\.crt \(for example\.test\) expired on /);
    const future = makeCert({ names: ['example.test'], notBefore: Date.now() + 10 * day, notAfter: Date.now() + 100 * day });
    write('future.crt', future.cert);
    write('future.key', future.key);
    ({ servers, problems } = await load('    ssl_certificate future.crt;\n    ssl_certificate_key future.key;'));
    assert.deepEqual(problems.map((p) => p.code), ['EDGE_ERR_TLS_CERT_EXPIRED']);
    assert.match(problems[0]?.message ?? '', /is not valid before .*is the clock right/);
  });
});

describe('names (a warning only)', () => {
  const names = async (certNames: string[], serverNames: string, cnOnly = false) => {
    const pair = makeCert({ names: certNames, cnOnly });
    write('n.crt', pair.cert);
    write('n.key', pair.key);
    const { servers, problems } = await load('    ssl_certificate n.crt;\n    ssl_certificate_key n.key;', serverNames);
    assert.notEqual(servers[0], null, 'a warning does not take the certificate away');
    return problems.map((p) => p.severity);
  };

  test('a certificate for none of the names is a warning; one of them is enough', async () => {
    assert.deepEqual(await names(['other.test'], 'example.test www.example.test'), ['warning']);
    assert.deepEqual(await names(['www.example.test'], 'example.test www.example.test'), []);
  });

  test('wildcards, in the certificate and in server_name', async () => {
    assert.deepEqual(await names(['*.example.test'], 'www.example.test'), []);
    assert.deepEqual(await names(['*.example.test'], 'a.b.example.test'), ['warning'], 'one label only');
    assert.deepEqual(await names(['*.example.test'], '*.example.test'), []);
    assert.deepEqual(await names(['www.example.test'], '*.example.test'), ['warning']);
    assert.deepEqual(await names(['example.test'], '.example.test'), []);
  });

  test('names that cannot be checked give no warning; the CN counts without subjectAltName', async () => {
    assert.deepEqual(await names(['other.test'], '_'), []);
    assert.deepEqual(await names(['other.test'], '"~^api\\d+\\.example\\.test$"'), []);
    assert.deepEqual(await names(['example.test'], 'example.test', true), []);
    assert.deepEqual(await names(['127.0.0.1'], '127.0.0.1'), []);
  });
});
