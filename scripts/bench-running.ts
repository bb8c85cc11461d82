// A started benchmark setup and how to reach it, shared by the setups of scripts/bench.ts
// (bench-setups.ts: edge and node:cluster; bench-nginx.ts; bench-node.ts: the plain-Node
// references): the setup ids and which scenarios each serves, the run context, the processes by
// tier, the app paths, and waiting until a setup answers rightly.

import net from 'node:net';
import path from 'node:path';
import { ask } from './bench-answer.ts';
import type { Answer, AskOptions } from './bench-answer.ts';
import type { Scenario, Site } from './bench-groups.ts';
import { isRunning, sleep } from './bench-proc.ts';
import type { Started } from './bench-proc.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const helloApp = path.join(repoRoot, 'scripts/bench/hello-app.cjs');
export const textApp = path.join(repoRoot, 'scripts/bench/text-app.cjs');
export const helloServer = path.join(repoRoot, 'scripts/bench/hello-server.cjs');
export const tlsServer = path.join(repoRoot, 'scripts/bench/tls-server.cjs');
export const staticServer = path.join(repoRoot, 'scripts/bench/static-server.cjs');

export type SetupId = 'edge' | 'edge-f2' | 'nginx' | 'nginx-w2' | 'cluster' | 'node-https' | 'node-h2' | 'node-static';
export const setupIds: readonly SetupId[] = ['edge', 'edge-f2', 'nginx', 'nginx-w2', 'cluster', 'node-https', 'node-h2', 'node-static'];
export const isEdge = (id: SetupId): boolean => id === 'edge' || id === 'edge-f2';
/** The plain-Node references: one Node process, no proxy, only the scenarios of `serves`. */
export type NodeReference = 'node-https' | 'node-h2' | 'node-static';
export const isNodeReference = (id: SetupId): id is NodeReference => id === 'node-https' || id === 'node-h2' || id === 'node-static';

/**
 * Whether a setup can serve a scenario. The plain-Node references answer what the front answers
 * alone: node-https the TLS HTTP/1.1 `return`, node-h2 the HTTP/2 one, node-static the files;
 * node:cluster serves hello only.
 */
export function serves(id: SetupId, sc: Scenario): boolean {
  switch (id) {
    case 'cluster':
      return sc.group === 'hello';
    case 'node-https':
      return sc.group === 'tls' && !sc.viaApp && sc.tool === 'wrk';
    case 'node-h2':
      return sc.group === 'tls' && !sc.viaApp && sc.tool === 'h2load';
    case 'node-static':
      return sc.group === 'static';
    default:
      return true;
  }
}
/** Front processes: edge's front_processes, nginx's worker_processes. */
export const frontsOf = (id: SetupId): number => (id === 'edge-f2' || id === 'nginx-w2' ? 2 : 1);

/**
 * How edge is run: the command and the arguments before edge's own. `runFlags` (Node flags, before
 * the prefix) and `runEnv` apply to `edge run` only, not to `edge status`.
 */
export type EdgeCommand = { label: string; command: string; prefix: string[]; runFlags?: string[]; runEnv?: NodeJS.ProcessEnv };

export type Context = {
  dir: string;
  workers: number;
  node: string;
  nginx: string;
  edge: EdgeCommand;
  connections: number;
};

export type Tier = 'front' | 'master' | 'back';

export type Upstream = { connections: number; requests: number };

export type Running = {
  /** http://127.0.0.1:PORT or https://127.0.0.1:PORT */
  origin: string;
  /** The setup's processes now, by tier. */
  processes(): Promise<Map<number, Tier>>;
  /** Connections accepted so far by the app processes from the proxy (null: not applicable). */
  upstream(): Promise<Upstream | null>;
  /** How long to wait after traffic for upstream() to be up to date. */
  settleMs: number;
  stop(): Promise<string[]>;
};

export const originOf = (site: Site, port: number): string => `${site.tls === null ? 'http' : 'https'}://127.0.0.1:${port}`;

/** How to ask a setup for a scenario's answer with Node's clients. */
export const askOptions = (site: Site, s: Scenario): AskOptions => ({ ca: site.tls?.pem, h2: s.tool === 'h2load', headers: s.headers });

// ---- helpers -------------------------------------------------------------------------------

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits (up to 30 s) until the URL answers, then requires the right answer. */
export async function waitReady(url: string, procs: readonly Started[], check: (a: Answer) => string | null, o: AskOptions): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const dead = procs.find((p) => !isRunning(p));
    if (dead) throw new Error(`${dead.name} exited (code ${dead.child.exitCode}, signal ${dead.child.signalCode}) before it answered on ${o.socketPath ?? url}`);
    let answer: Answer | null = null;
    try {
      answer = await ask(url, o);
    } catch (error) {
      last = String(error);
      // A TLS client meeting plain HTTP (or the reverse) will not get better by waiting.
      if ((error as NodeJS.ErrnoException).code === 'EPROTO') throw new Error(`${url}: ${last.split('\n')[0]}`);
    }
    if (answer !== null) {
      const wrong = check(answer);
      if (wrong === null) return;
      last = wrong;
      // Up and answering wrongly: a configuration the setup does not support, not a slow start.
      if (answer.status !== 502 && answer.status !== 503) throw new Error(`${o.socketPath ?? url} answers, but not rightly: ${wrong}`);
    }
    await sleep(100);
  }
  throw new Error(`${o.socketPath ?? url} did not answer within 30 s (last: ${last})`);
}
