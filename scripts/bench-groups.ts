// The scenario groups of scripts/bench.ts (--groups): what each group serves (its site, the same
// for edge and nginx), the loads measured against it (its scenarios) and how every answer is
// checked before it is measured. The files, certificate and texts they need are made in the
// benchmark's temporary directory.
//
//   hello   hello world through the app, plain HTTP (the default group; edge, edge-f2, nginx, cluster)
//   static  files of 1 KiB, 64 KiB, 4 MiB (random bytes) from disk, open-file cache on
//           (+ node-static, the plain-Node reference)
//   tls     "Hello, World!" over TLS (RSA-2048): HTTP/1.1 keep-alive (wrk) and HTTP/2 (h2load),
//           from a `return 200` location (the front alone) and through the app
//           (+ node-https and node-h2, the plain-Node references, on the `return` scenarios)
//   gzip    the app's 100 KiB text/plain answer, gzip level 1 by the front

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Answer } from './bench-answer.ts';
import type { SetupId } from './bench-setups.ts';

export type GroupId = 'hello' | 'static' | 'tls' | 'gzip';
export const groupIds: readonly GroupId[] = ['hello', 'static', 'tls', 'gzip'];

export type Tls = { cert: string; key: string; pem: string };

/** What a setup serves; edge and nginx are configured from the same description. */
export type Site = {
  /** The app behind `location /`: hello-app.cjs, text-app.cjs, or none. */
  app: 'hello' | 'text' | null;
  /** `listen ... ssl http2` with this certificate. */
  tls: Tls | null;
  /** `location = /return { return 200 "Hello, World!" }`: the front answers alone. */
  returnHello: boolean;
  /** A directory holding files/, served at /files/ with the open-file cache. */
  root: string | null;
  /** gzip level 1 on the app's text/plain answers. */
  gzip: boolean;
  /**
   * nginx's upstream `keepalive` (idle connections kept per worker): enough that the load opens no
   * new ones. HTTP/2 (32 connections × 10 streams) needed ~600 upstream connections in a test:
   * with 320, nginx opened ~50 new ones per 1,000 requests.
   */
  upstreamKeepalive: number;
};

export type Scenario = {
  id: string;
  group: GroupId;
  title: string;
  path: string;
  tool: 'wrk' | 'h2load';
  /** wrk -c / h2load -c. */
  connections: number;
  /** h2load -m: concurrent streams per connection. */
  streams: number;
  headers: Record<string, string>;
  /** Through the app: the upstream connections opened are counted. */
  viaApp: boolean;
  /** Bytes of one response body as sent (0 when it varies): for MiB/s of files. */
  bodyBytes: number;
  /** null when the answer is right, else what is wrong with it. */
  check(a: Answer): string | null;
  /** What the check saw worth reporting (TLS parameters, compressed size). */
  note?(a: Answer): string;
};

export type Group = {
  id: GroupId;
  title: string;
  site: Site;
  scenarios: Scenario[];
  /** The setups measured when --setups is not given (each on the scenarios it serves). */
  setups: SetupId[];
};

export type Assets = {
  /** Holds files/1k.bin, files/64k.bin, files/4m.bin. */
  www: string;
  files: Map<string, Buffer>;
  tls: Tls | null;
  text: Buffer;
};

export const helloBody = 'Hello, World!\n';
const textApp = createRequire(import.meta.url)('./bench/text-app.cjs') as { body: Buffer };

export const fileSizes: ReadonlyArray<{ name: string; bytes: number; connections: number }> = [
  { name: '1k', bytes: 1024, connections: 64 },
  { name: '64k', bytes: 64 * 1024, connections: 64 },
  { name: '4m', bytes: 4 * 1024 * 1024, connections: 16 },
];

/** Random files (readable by nginx's `nobody` workers) and, for tls, an RSA-2048 certificate. */
export function makeAssets(dir: string, groups: readonly GroupId[], openssl: string | null): Assets {
  const www = path.join(dir, 'www');
  const files = new Map<string, Buffer>();
  if (groups.includes('static')) {
    mkdirSync(path.join(www, 'files'), { recursive: true, mode: 0o755 });
    chmodSync(www, 0o755);
    chmodSync(path.join(www, 'files'), 0o755);
    for (const f of fileSizes) {
      const bytes = randomBytes(f.bytes);
      writeFileSync(path.join(www, 'files', `${f.name}.bin`), bytes, { mode: 0o644 });
      files.set(f.name, bytes);
    }
  }
  let tls: Tls | null = null;
  if (groups.includes('tls')) {
    if (openssl === null) throw new Error('the tls group needs openssl');
    const tlsDir = path.join(dir, 'tls');
    mkdirSync(tlsDir, { recursive: true });
    const cert = path.join(tlsDir, 'cert.pem');
    const key = path.join(tlsDir, 'key.pem');
    execFileSync(
      openssl,
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    tls = { cert, key, pem: readFileSync(cert, 'utf8') };
  }
  return { www, files, tls, text: textApp.body };
}

// ---- checks ---------------------------------------------------------------------------------

const problems = (list: Array<string | false>): string | null => {
  const found = list.filter((p): p is string => p !== false);
  return found.length === 0 ? null : found.join('; ');
};

const show = (body: Buffer): string => JSON.stringify(body.subarray(0, 60).toString('latin1'));

function helloCheck(exactType: boolean, alpn?: string): (a: Answer) => string | null {
  return (a) =>
    problems([
      a.status !== 200 && `status ${a.status}`,
      a.body.toString('latin1') !== helloBody && `body ${show(a.body)}`,
      (exactType || a.headers['content-length'] !== undefined) && a.headers['content-length'] !== '14' && `content-length ${a.headers['content-length']}`,
      exactType ? a.headers['content-type'] !== 'text/plain' && `content-type ${a.headers['content-type']}` : !String(a.headers['content-type']).startsWith('text/plain') && `content-type ${a.headers['content-type']}`,
      alpn !== undefined && !alpn.split('|').includes(a.tls?.alpn ?? 'no TLS') && `ALPN ${a.tls?.alpn ?? 'no TLS'}, not ${alpn}`,
    ]);
}

const tlsNote = (a: Answer): string => (a.tls === undefined ? 'no TLS' : `${a.tls.protocol}, ${a.tls.cipher}, ALPN ${a.tls.alpn}`);

// ---- the groups -----------------------------------------------------------------------------

const fronts: SetupId[] = ['edge', 'edge-f2', 'nginx', 'nginx-w2'];

const none: Site = { app: null, tls: null, returnHello: false, root: null, gzip: false, upstreamKeepalive: 128 };
const base = { streams: 1, headers: {}, viaApp: false, bodyBytes: 0 };

/** The first benchmark's group: hello world through the app over plain HTTP/1.1. */
export function helloGroup(connections: number): Group {
  return {
    id: 'hello',
    title: 'hello world through the app, plain HTTP/1.1',
    site: { ...none, app: 'hello', upstreamKeepalive: Math.max(128, connections) },
    setups: ['edge', 'edge-f2', 'nginx', 'cluster'],
    scenarios: [
      // The check of the first benchmark, unchanged: status, body, Content-Length and Content-Type exactly.
      { ...base, id: 'hello', group: 'hello', title: 'hello, HTTP/1.1', path: '/', tool: 'wrk', connections, viaApp: true, bodyBytes: 14, check: helloCheck(true) },
    ],
  };
}

export function makeGroups(ids: readonly GroupId[], assets: Assets, helloConnections: number): Group[] {
  const all: Record<GroupId, () => Group> = {
    hello: () => helloGroup(helloConnections),
    static: () => ({
      id: 'static',
      title: 'static files, open-file cache on',
      site: { ...none, root: assets.www },
      setups: [...fronts, 'node-static'],
      scenarios: fileSizes.map((f) => ({
        ...base,
        id: `static-${f.name}`,
        group: 'static' as const,
        title: `${f.name === '4m' ? '4 MiB' : f.name === '64k' ? '64 KiB' : '1 KiB'} file`,
        path: `/files/${f.name}.bin`,
        tool: 'wrk' as const,
        connections: f.connections,
        bodyBytes: f.bytes,
        check: (a: Answer) => {
          const want = assets.files.get(f.name) as Buffer;
          return problems([a.status !== 200 && `status ${a.status}`, !a.body.equals(want) && `body of ${a.body.length} bytes is not the file's ${want.length}`]);
        },
      })),
    }),
    tls: () => ({
      id: 'tls',
      title: 'TLS hello (RSA-2048), HTTP/1.1 and HTTP/2',
      site: { ...none, app: 'hello', tls: assets.tls, returnHello: true, upstreamKeepalive: 2048 },
      setups: [...fronts, 'node-https', 'node-h2'],
      scenarios: [
        { ...base, id: 'tls-h1-return', group: 'tls', title: 'TLS HTTP/1.1, `return 200`', path: '/return', tool: 'wrk', connections: 64, bodyBytes: 14, check: helloCheck(false, 'none|http/1.1'), note: tlsNote },
        { ...base, id: 'tls-h2-return', group: 'tls', title: 'HTTP/2, `return 200`', path: '/return', tool: 'h2load', connections: 32, streams: 10, bodyBytes: 14, check: helloCheck(false, 'h2'), note: tlsNote },
        { ...base, id: 'tls-h1-app', group: 'tls', title: 'TLS HTTP/1.1, through the app', path: '/', tool: 'wrk', connections: 64, viaApp: true, bodyBytes: 14, check: helloCheck(false, 'none|http/1.1'), note: tlsNote },
        { ...base, id: 'tls-h2-app', group: 'tls', title: 'HTTP/2, through the app', path: '/', tool: 'h2load', connections: 32, streams: 10, viaApp: true, bodyBytes: 14, check: helloCheck(false, 'h2'), note: tlsNote },
      ],
    }),
    gzip: () => ({
      id: 'gzip',
      title: 'gzip (level 1) of the app’s 100 KiB text/plain answer',
      site: { ...none, app: 'text', gzip: true },
      setups: fronts,
      scenarios: [
        {
          ...base,
          id: 'gzip-100k',
          group: 'gzip',
          title: '100 KiB text, gzip level 1',
          path: '/',
          tool: 'wrk',
          connections: 64,
          headers: { 'Accept-Encoding': 'gzip' },
          viaApp: true,
          check: (a: Answer) => {
            let plain: Buffer | null = null;
            try {
              plain = gunzipSync(a.body);
            } catch {
              // not gzip
            }
            return problems([
              a.status !== 200 && `status ${a.status}`,
              a.headers['content-encoding'] !== 'gzip' && `content-encoding ${a.headers['content-encoding'] ?? 'none'}`,
              (plain === null || !plain.equals(assets.text)) && `the body (${a.body.length} bytes) does not gunzip to the app's ${assets.text.length} bytes`,
            ]);
          },
          note: (a: Answer) => `${a.body.length} bytes of gzip for ${assets.text.length} (${((a.body.length / assets.text.length) * 100).toFixed(1)}%)`,
        },
      ],
    }),
  };
  return ids.map((id) => all[id]());
}

/** The URL of a scenario on a started setup (origin: http://127.0.0.1:PORT or https://…). */
export const urlOf = (s: Scenario, origin: string): string => `${origin}${s.path}`;
