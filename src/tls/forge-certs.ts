// Building the development CA and the certificates it signs, with node-forge (Node has no
// API to create an X.509 certificate). Keys come from node:crypto: forge's own RSA key
// generation is slow pure JavaScript. forge signs with RSA only, so the keys are RSA 2048.
// forge is loaded on first use only: every process of the executable (fronts, workers) loads
// this file, and forge costs ~30 ms and ~3 MB to load.

let loaded: typeof Forge | null = null;

async function loadForge(): Promise<typeof Forge> {
  loaded ??= (await import('node-forge')).default;
  return loaded;
}

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import os from 'node:os';
import { isIP } from 'node:net';
import type Forge from 'node-forge';

export type Issued = { cert: string; key: string };

const day = 86_400_000;
// Names as UTF8String: forge's default PrintableString cannot hold `@` or `_` (the CA's name
// has user@host), and browsers refuse such a certificate as malformed. (@types/node-forge
// types the field as a tag class; forge reads it as the tag type.)
const utf8 = 12 as Forge.asn1.Class;
/** A CA that is trusted once should last: about ten years. */
export const caLifetimeDays = 3650;
/** The longest life browsers accept for a server certificate. */
export const leafLifetimeDays = 397;

function newKey(forge: typeof Forge): { pem: string; forgeKey: Forge.pki.rsa.PrivateKey; publicKey: Forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return { pem, forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

// Positive (high bit clear), 16 random bytes: RFC 5280 asks for unique serials up to 20 bytes.
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: Forge.pki.Certificate, now: number, days: number): void {
  // An hour back, for clocks a little behind this one.
  cert.validity.notBefore = new Date(now - 3_600_000);
  cert.validity.notAfter = new Date(now + days * day);
}

/** The local CA: self-signed, allowed to sign server certificates only (no intermediates). */
export async function issueCa(now: number): Promise<Issued> {
  const forge = await loadForge();
  const key = newKey(forge);
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, now, caLifetimeDays);
  let user = 'edge';
  try {
    user = os.userInfo().username;
  } catch {
    // No name for this uid (containers): the generic one.
  }
  const subject = [
    { name: 'commonName', value: `edge development CA (${user}@${os.hostname()})`, valueTagClass: utf8 },
    { name: 'organizationName', value: 'edge development CA', valueTagClass: utf8 },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

/** A server certificate for `names` (DNS names and IP addresses), signed by the CA. */
export async function issueLeaf(ca: Issued, names: readonly string[], now: number): Promise<Issued> {
  const forge = await loadForge();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const key = newKey(forge);
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, now, leafLifetimeDays);
  const first = names.find((n) => isIP(n) === 0) ?? names[0] ?? 'localhost';
  cert.setSubject([
    { name: 'commonName', value: first, valueTagClass: utf8 },
    { name: 'organizationName', value: 'edge development certificate', valueTagClass: utf8 },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = names.map((n) => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}
