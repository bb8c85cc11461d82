// The TLS material of a generation: plain data that the master reads and checks, and sends
// to every front in its FrontSpec (so it must survive IPC's JSON).

import type { ErrorCode, Where } from '../errors.ts';
import { EdgeError, formatWhere } from '../errors.ts';

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** One server's certificate and settings, ready for `tls.createSecureContext()`. */
export type ServerTls = {
  /** PEM certificate chain: the server's certificate first, then the intermediates. */
  cert: string;
  /** PEM private key of the first certificate. */
  key: string;
  /** The server's `server_name` entries as configured (SNI picks among them as the router does). */
  names: string[];
  /** The names the certificate is valid for (DNS and IP entries of its subjectAltName, else its CN). */
  certNames: string[];
  /** End of the certificate's validity, in ms since the epoch. */
  notAfter: number;
  /** From `ssl_protocols`: node:tls's `minVersion` and `maxVersion`. */
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** `ssl_ciphers`: node:tls's `ciphers` (TLS 1.2 list; TLS 1.3 suites stay OpenSSL's defaults). */
  ciphers: string;
  /** `ssl_session_timeout` in seconds, as node:tls's `sessionTimeout` takes it. */
  sessionTimeout: number;
  /** `ssl_session_tickets`. */
  tickets: boolean;
  /** Where the certificate came from: its file, or the file ssl_certificate auto made. */
  certFile: string;
};

/** A problem found while reading TLS material: errors stop a start or a reload, warnings do not. */
export type TlsProblem = {
  severity: 'error' | 'warning';
  /** The registered code of an error (src/errors.ts); null for a warning. */
  code: ErrorCode | null;
  /** Names the file. */
  message: string;
  /** The directive that names the file. */
  where: Where | null;
  /** Index of the server in config.servers. */
  server: number;
};

/** `file:line:col: message`, with `warning: ` before the message of a warning unless `label` is false. */
export function problemText(problem: TlsProblem, label = true): string {
  const at = problem.where ? `${formatWhere(problem.where)}: ` : '';
  return `${at}${label && problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;
}

export function problemError(problem: TlsProblem): EdgeError {
  return new EdgeError(problem.code ?? 'EDGE_ERR_INTERNAL', problem.message, problem.where ?? undefined);
}
