// The one entry point to TLS material: for every server with an `ssl` listener, its
// certificate chain and key read from disk (or made by `ssl_certificate auto`) and checked,
// as plain data a front can turn into a secure context. `edge check`, `edge run` and every
// reload call it; nothing is cached, so a reload reads the files again.

import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { EdgeConfig, ServerConfig } from '../config/types.ts';
import { EdgeError, parseWhere } from '../errors.ts';
import { ensureCa, ensureLeaf, leafBaseName, leafNames } from './auto.ts';
import { autoDirOf } from './auto-dir.ts';
import type { Env } from './auto-dir.ts';
import { checkCertificate } from './check.ts';
import { certificateNames, dnsNamesFor } from './names.ts';
import { isFailure, parseChain, parseKey, readPemFile } from './pem.ts';
import { checkPrivateDir } from './private-files.ts';
import type { ServerTls, TlsProblem, TlsVersion } from './types.ts';

export type TlsLoadOptions = {
  /** `run` makes the development CA and certificates that are missing; `check` only reads. */
  mode: 'run' | 'check';
  /** The time certificates are checked against (tests); now by default. */
  now?: number;
  /** For the default `ssl_auto_dir` (XDG_DATA_HOME, HOME); process.env by default. */
  env?: Env;
};

export type TlsMaterial = {
  /** Index-aligned with config.servers: null for a server without `ssl` listener, or with an error. */
  servers: Array<ServerTls | null>;
  /** Errors (a start or reload must not go on) and warnings, in server order. */
  problems: TlsProblem[];
};

export function usesTls(server: ServerConfig): boolean {
  return server.listen.some((l) => l.ssl);
}

export async function loadTlsMaterial(config: EdgeConfig, options: TlsLoadOptions): Promise<TlsMaterial> {
  const now = options.now ?? Date.now();
  const servers: Array<ServerTls | null> = config.servers.map(() => null);
  const problems: TlsProblem[] = [];
  const autoServers: number[] = [];
  for (const [i, server] of config.servers.entries()) {
    if (!usesTls(server) || server.sslCertificate === null) continue;
    if (server.sslCertificate.path === 'auto') autoServers.push(i);
    else servers[i] = loadFiles(server, i, now, problems);
  }
  if (autoServers.length > 0) {
    if (options.mode === 'run') await loadAuto(config, autoServers, servers, problems, options.env, now);
    else checkAutoDir(config, autoServers, problems, options.env);
  }
  problems.sort((a, b) => a.server - b.server || (a.where?.line ?? 0) - (b.where?.line ?? 0));
  return { servers, problems };
}

function loadFiles(server: ServerConfig, index: number, now: number, problems: TlsProblem[]): ServerTls | null {
  const certRef = server.sslCertificate;
  const keyRef = server.sslCertificateKey;
  if (certRef === null || keyRef === null) return null;
  const fail = (f: { code: EdgeError['code']; message: string }, where = parseWhere(certRef.source) ?? null): null => {
    problems.push({ severity: 'error', code: f.code, message: f.message, where, server: index });
    return null;
  };
  const certText = readPemFile(certRef.path, 'certificate');
  const keyText = readPemFile(keyRef.path, 'key');
  if (isFailure(certText)) fail(certText);
  if (isFailure(keyText)) fail(keyText, parseWhere(keyRef.source) ?? null);
  if (isFailure(certText) || isFailure(keyText)) return null;
  const chain = parseChain(certText, certRef.path);
  const key = parseKey(keyText, keyRef.path);
  if (isFailure(chain)) fail(chain);
  if (isFailure(key)) fail(key, parseWhere(keyRef.source) ?? null);
  if (isFailure(chain) || isFailure(key)) return null;
  const leaf = chain.certs[0] as X509Certificate;
  let failed = false;
  for (const finding of checkCertificate(leaf, key, { cert: certRef.path, key: keyRef.path }, server.serverNames, now)) {
    const where = parseWhere(finding.code === 'EDGE_ERR_TLS_KEY_MISMATCH' ? keyRef.source : certRef.source) ?? null;
    problems.push({ ...finding, where, server: index });
    if (finding.severity === 'error') failed = true;
  }
  if (failed) return null;
  return serverTls(server, chain.pem, key.export({ type: 'pkcs8', format: 'pem' }) as string, leaf, certRef.path);
}

async function loadAuto(
  config: EdgeConfig,
  indexes: readonly number[],
  servers: Array<ServerTls | null>,
  problems: TlsProblem[],
  env: Env | undefined,
  now: number,
): Promise<void> {
  const dir = autoDirOf(config, env);
  // Servers whose names give the same file name share one certificate for all their names.
  const groups = new Map<string, { names: Set<string>; members: number[] }>();
  for (const i of indexes) {
    const names = leafNames(dnsNamesFor((config.servers[i] as ServerConfig).serverNames));
    const base = leafBaseName(names);
    const group = groups.get(base) ?? { names: new Set<string>(), members: [] };
    for (const n of names) group.names.add(n);
    group.members.push(i);
    groups.set(base, group);
  }
  const first = config.servers[indexes[0] as number] as ServerConfig;
  try {
    const ca = await ensureCa(dir, now);
    for (const group of groups.values()) {
      const leaf = await ensureLeaf(dir, ca, [...group.names], now);
      const x509 = new X509Certificate(leaf.cert);
      for (const i of group.members) servers[i] = serverTls(config.servers[i] as ServerConfig, leaf.cert, leaf.key, x509, leaf.certPath);
    }
  } catch (error) {
    if (!(error instanceof EdgeError)) throw error;
    const where = parseWhere(first.sslCertificate?.source ?? '') ?? null;
    problems.push({ severity: 'error', code: error.code, message: `ssl_certificate auto: ${error.message}`, where, server: indexes[0] as number });
  }
}

// `edge check` writes nothing: it only says whether the directory could be used.
function checkAutoDir(config: EdgeConfig, indexes: readonly number[], problems: TlsProblem[], env: Env | undefined): void {
  const dir = autoDirOf(config, env);
  const problem = existsSync(dir) ? checkPrivateDir(dir, false) : null;
  if (problem === null) return;
  const index = indexes[0] as number;
  const where = parseWhere(config.servers[index]?.sslCertificate?.source ?? '') ?? null;
  problems.push({ severity: 'error', code: 'EDGE_ERR_TLS_AUTO', message: `ssl_certificate auto: ${problem}`, where, server: index });
}

function serverTls(server: ServerConfig, cert: string, key: string, leaf: X509Certificate, certFile: string): ServerTls {
  const protocols = server.sslProtocols as TlsVersion[];
  return {
    cert,
    key,
    names: [...server.serverNames],
    certNames: certificateNames(leaf),
    notAfter: Date.parse(leaf.validTo),
    minVersion: protocols[0] ?? 'TLSv1.2',
    maxVersion: protocols[protocols.length - 1] ?? 'TLSv1.3',
    ciphers: server.sslCiphers,
    sessionTimeout: Math.max(1, Math.round(server.sslSessionTimeout / 1000)),
    tickets: server.sslSessionTickets,
    certFile,
  };
}
