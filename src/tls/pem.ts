// Reading a certificate chain and its key from PEM files, with a message that names the
// file (and, through the caller, the directive) for each way it can go wrong.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ErrorCode } from '../errors.ts';

export type PemFailure = { code: ErrorCode; message: string };

export type Chain = { pem: string; certs: X509Certificate[] };

const certBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The file's text, or why it cannot be read (`what`: "certificate" or "key"). */
export function readPemFile(file: string, what: string): string | PemFailure {
  try {
    return readFileSync(file, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (error as Error).message;
    return { code: 'EDGE_ERR_TLS_CERT_READ', message: `cannot read the ${what} file ${file}: ${why}` };
  }
}

/** Every CERTIFICATE block of the text, in order; the server's own certificate first. */
export function parseChain(text: string, file: string): Chain | PemFailure {
  const blocks = text.match(certBlock) ?? [];
  if (blocks.length === 0) {
    const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
      ? ' (it holds a private key: is it the key file?)'
      : text.includes('-----BEGIN ')
        ? ''
        : ' (it is not PEM; convert a DER file with: openssl x509 -inform der -in FILE -out FILE.pem)';
    return { code: 'EDGE_ERR_TLS_PEM', message: `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)${hint}` };
  }
  const certs: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(block));
    } catch (error) {
      return { code: 'EDGE_ERR_TLS_PEM', message: `certificate ${i + 1} of ${file} cannot be read: ${(error as Error).message}` };
    }
  }
  return { pem: `${blocks.join('\n')}\n`, certs };
}

export function parseKey(text: string, file: string): KeyObject | PemFailure {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    const hint = text.includes('-----BEGIN CERTIFICATE-----') ? ' (it holds a certificate: is it the certificate file?)' : '';
    return { code: 'EDGE_ERR_TLS_PEM', message: `${file} holds no PEM private key (-----BEGIN PRIVATE KEY-----)${hint}` };
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    return {
      code: 'EDGE_ERR_TLS_PEM',
      message: `the private key in ${file} is encrypted: edge needs it without a passphrase (openssl pkey -in FILE -out FILE.plain)`,
    };
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    return { code: 'EDGE_ERR_TLS_PEM', message: `the private key in ${file} cannot be read: ${(error as Error).message}` };
  }
}

export function isFailure(value: unknown): value is PemFailure {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value && !(value instanceof X509Certificate);
}
