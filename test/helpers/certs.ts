// Self-signed certificates for TLS tests, made by the openssl command line (P-256 keys: fast
// to make), each its own trust anchor: a client trusts exactly the ones it is given.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export type TestCertificate = { cert: string; key: string; certFile: string; keyFile: string };

/** `names[0]` is the subject's CN; every name is a DNS subjectAltName (IP addresses as IP ones). */
export function makeCertificate(dir: string, file: string, names: readonly string[], days = 2): TestCertificate {
  const certFile = path.join(dir, `${file}.crt`);
  const keyFile = path.join(dir, `${file}.key`);
  const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', String(days),
      '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${san}`,
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}
