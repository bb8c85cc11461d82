// The checks of a server's certificate once it is read: the key belongs to it, it is valid
// now, and (a warning only) it is valid for at least one of the server's names.

import type { KeyObject, X509Certificate } from 'node:crypto';
import type { ErrorCode } from '../errors.ts';
import { certificateNames, coversAnyName } from './names.ts';

export type CheckFinding = { severity: 'error' | 'warning'; code: ErrorCode | null; message: string };

export function checkCertificate(
  leaf: X509Certificate,
  key: KeyObject,
  files: { cert: string; key: string },
  serverNames: readonly string[],
  now: number,
): CheckFinding[] {
  const findings: CheckFinding[] = [];
  if (!leaf.checkPrivateKey(key)) {
    findings.push({
      severity: 'error',
      code: 'EDGE_ERR_TLS_KEY_MISMATCH',
      message: `the private key in ${files.key} does not match the certificate in ${files.cert} (${describe(leaf)}); the server's own certificate must come first in the file`,
    });
  }
  const from = Date.parse(leaf.validFrom);
  const to = Date.parse(leaf.validTo);
  if (now > to) {
    findings.push({ severity: 'error', code: 'EDGE_ERR_TLS_CERT_EXPIRED', message: `the certificate in ${files.cert} (${describe(leaf)}) expired on ${leaf.validTo}` });
  } else if (now < from) {
    findings.push({
      severity: 'error',
      code: 'EDGE_ERR_TLS_CERT_EXPIRED',
      message: `the certificate in ${files.cert} (${describe(leaf)}) is not valid before ${leaf.validFrom} (is the clock right?)`,
    });
  }
  if (!coversAnyName(leaf, serverNames)) {
    findings.push({
      severity: 'warning',
      code: null,
      message: `the certificate in ${files.cert} is for ${certificateNames(leaf).join(', ') || 'no name'}, and none of the server's names (${serverNames.join(' ')}): clients will refuse it`,
    });
  }
  return findings;
}

function describe(cert: X509Certificate): string {
  const names = certificateNames(cert);
  return names.length > 0 ? `for ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}` : cert.subject.replace(/\n/g, ', ');
}
