// `ssl_certificate auto`: a local CA, made once per auto directory, and server certificates
// it signs for the servers' names plus localhost, 127.0.0.1 and ::1. Both are reused on the
// next start; a server certificate is issued again when it expires within 30 days, when it no
// longer covers the names, or when the CA changed. The CA lasts ten years.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import { isIP } from 'node:net';
import { caCertName, caKeyName } from './auto-dir.ts';
import { issueCa, issueLeaf } from './forge-certs.ts';
import type { Issued } from './forge-certs.ts';
import { certificateNames } from './names.ts';
import { preparePrivateDir, withDirLock, writeFileAtomic } from './private-files.ts';

const day = 86_400_000;
export const renewBeforeDays = 30;

export type AutoCa = Issued & { certPath: string; keyPath: string; created: boolean };
export type AutoLeaf = Issued & { certPath: string; keyPath: string; issued: boolean };

/** The names every development certificate has, whatever the server's names. */
export const localNames: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The CA of `dir`, made (with the directory) when there is none or it is about to expire. */
export async function ensureCa(dir: string, now = Date.now()): Promise<AutoCa> {
  const problem = preparePrivateDir(dir);
  if (problem !== null) throw new EdgeError('EDGE_ERR_TLS_AUTO', problem);
  const current = readCa(dir, now);
  if (current !== null) return current;
  return withDirLock(dir, async () => readCa(dir, now) ?? (await writeCa(dir, now)));
}

function readCa(dir: string, now: number): AutoCa | null {
  const certPath = path.join(dir, caCertName);
  const keyPath = path.join(dir, caKeyName);
  if (!existsSync(certPath) && !existsSync(keyPath)) return null;
  let cert: string;
  let key: string;
  let x509: X509Certificate;
  try {
    cert = readFileSync(certPath, 'latin1');
    key = readFileSync(keyPath, 'latin1');
    x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('the key does not match the certificate');
  } catch (error) {
    throw new EdgeError('EDGE_ERR_TLS_AUTO', 
      `the development CA in ${dir} cannot be used (${(error as Error).message}); remove ${caCertName} and ${caKeyName} there to make a new one (and trust it again: edge cert)`,
    );
  }
  // An expiring CA is replaced: its certificates would stop working soon anyway.
  if (Date.parse(x509.validTo) - now < renewBeforeDays * day) return null;
  return { cert, key, certPath, keyPath, created: false };
}

async function writeCa(dir: string, now: number): Promise<AutoCa> {
  const ca = await issueCa(now);
  const certPath = path.join(dir, caCertName);
  const keyPath = path.join(dir, caKeyName);
  // The key first: a certificate is never on disk without its key.
  writeFileAtomic(keyPath, ca.key, 0o600);
  writeFileAtomic(certPath, ca.cert, 0o644);
  return { ...ca, certPath, keyPath, created: true };
}

/** The names of a development certificate: the server's, then the local ones. */
export function leafNames(dnsNames: readonly string[]): string[] {
  return [...new Set([...dnsNames.map((n) => n.toLowerCase()), ...localNames])];
}

/** A file name for the certificate of these names: its first name, made safe. */
export function leafBaseName(names: readonly string[]): string {
  const first = names.find((n) => isIP(n) === 0) ?? 'localhost';
  return first.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9.-]/g, '_');
}

/** The certificate for `names` signed by `ca`: the one on disk if still good, else a new one. */
export async function ensureLeaf(dir: string, ca: AutoCa, names: readonly string[], now = Date.now()): Promise<AutoLeaf> {
  const base = leafBaseName(names);
  const certPath = path.join(dir, `${base}.crt`);
  const keyPath = path.join(dir, `${base}.key`);
  const current = readLeaf(certPath, keyPath, ca, names, now);
  if (current !== null) return current;
  return withDirLock(dir, async () => {
    const again = readLeaf(certPath, keyPath, ca, names, now);
    if (again !== null) return again;
    const leaf = await issueLeaf(ca, names, now);
    writeFileAtomic(keyPath, leaf.key, 0o600);
    writeFileAtomic(certPath, leaf.cert, 0o644);
    return { ...leaf, certPath, keyPath, issued: true };
  });
}

function readLeaf(certPath: string, keyPath: string, ca: AutoCa, names: readonly string[], now: number): AutoLeaf | null {
  try {
    const cert = readFileSync(certPath, 'latin1');
    const key = readFileSync(keyPath, 'latin1');
    const x509 = new X509Certificate(cert);
    const caX509 = new X509Certificate(ca.cert);
    const dnsNames = certificateNames(x509).map((n) => n.toLowerCase());
    const good =
      x509.checkPrivateKey(createPrivateKey(key)) &&
      x509.checkIssued(caX509) &&
      x509.verify(caX509.publicKey) &&
      Date.parse(x509.validFrom) <= now &&
      Date.parse(x509.validTo) - now >= renewBeforeDays * day &&
      names.every((n) => (isIP(n) !== 0 ? x509.checkIP(n) !== undefined : dnsNames.includes(n)));
    return good ? { cert, key, certPath, keyPath, issued: false } : null;
  } catch {
    // Missing, unreadable or not a certificate: issued again.
    return null;
  }
}
