// Certificates for the TLS tests, made here with node-forge (independently of edge's own
// src/tls/forge-certs.ts, so the checks are tested against certificates edge did not make).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export type Pair = { cert: string; key: string };

const day = 86_400_000;

export function newKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export type CertOptions = {
  /** DNS names and IP addresses for subjectAltName; the first is also the CN. */
  names: string[];
  notBefore?: number;
  notAfter?: number;
  /** Signed by this CA; self-signed without. */
  issuer?: Pair;
  ca?: boolean;
  /** No subjectAltName: only the CN (old style). */
  cnOnly?: boolean;
};

export function makeCert(options: CertOptions): Pair {
  const keyPem = newKeyPem();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(options.notBefore ?? Date.now() - day);
  cert.validity.notAfter = new Date(options.notAfter ?? Date.now() + 90 * day);
  const subject = [{ name: 'commonName', value: options.names[0] ?? 'test' }];
  cert.setSubject(subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: options.ca === true }];
  if (options.ca) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true });
  if (!options.cnOnly && !options.ca) {
    extensions.push({ name: 'subjectAltName', altNames: options.names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) });
  }
  cert.setExtensions(extensions);
  if (options.issuer) {
    cert.setIssuer(forge.pki.certificateFromPem(options.issuer.cert).subject.attributes);
    cert.sign(forge.pki.privateKeyFromPem(options.issuer.key), forge.md.sha256.create());
  } else {
    cert.setIssuer(subject);
    cert.sign(key, forge.md.sha256.create());
  }
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}
