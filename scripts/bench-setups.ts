// The setups scripts/bench.ts compares, all serving scripts/bench/hello-app.cjs on 127.0.0.1:
//   edge      edge, 1 front, N async workers, access_log off
//   edge-f2   edge, front_processes 2, N async workers
//   nginx     nginx (worker_processes 1) → N plain Node processes on Unix sockets, upstream keep-alive
//   cluster   node:cluster, N workers listening directly on TCP
// Each started setup knows its processes by tier (front, master, back) and how many
// connections its app processes have accepted from the proxy in front.

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { isRunning, sleep, startProcess, stopProcesses, withDescendants } from './bench-proc.ts';
import type { Started } from './bench-proc.ts';

const run = promisify(execFile);

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const helloApp = path.join(repoRoot, 'scripts/bench/hello-app.cjs');
export const helloServer = path.join(repoRoot, 'scripts/bench/hello-server.cjs');
export const expectedBody = 'Hello, World!\n';

export type SetupId = 'edge' | 'edge-f2' | 'nginx' | 'cluster';
export const setupIds: readonly SetupId[] = ['edge', 'edge-f2', 'nginx', 'cluster'];

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
  url: string;
  /** The setup's processes now, by tier. */
  processes(): Promise<Map<number, Tier>>;
  /** Connections accepted so far by the app processes from the proxy (null: not applicable). */
  upstream(): Promise<Upstream | null>;
  /** How long to wait after traffic for upstream() to be up to date. */
  settleMs: number;
  stop(): Promise<string[]>;
};

export function describe(id: SetupId, workers: number): string {
  switch (id) {
    case 'edge':
      return `edge, 1 front, ${workers} async workers (access_log off)`;
    case 'edge-f2':
      return `edge, front_processes 2, ${workers} async workers (access_log off)`;
    case 'nginx':
      return `nginx (worker_processes 1) → ${workers}× Node on Unix sockets, upstream keepalive`;
    case 'cluster':
      return `node:cluster, ${workers} workers, TCP direct`;
  }
}

export async function startSetup(id: SetupId, ctx: Context, tag: string): Promise<Running> {
  const port = await freePort();
  const running = id === 'nginx' ? await startNginx(ctx, port, tag) : id === 'cluster' ? await startCluster(ctx, port, tag) : await startEdge(ctx, port, tag, id === 'edge-f2' ? 2 : 1);
  return running;
}

// ---- edge -----------------------------------------------------------------------------------

export function edgeConfig(ctx: Context, port: number, fronts: number, runDir: string): string {
  return [
    '# Written by scripts/bench.ts',
    `front_processes ${fronts};`,
    `workers ${ctx.workers};`,
    `run_dir ${runDir};`,
    'app {',
    `    module ${helloApp};`,
    '    worker_class async;',
    '}',
    'server {',
    `    listen 127.0.0.1:${port};`,
    '    access_log off;',
    '    keepalive_requests 1000000;   # the same client keep-alive limit as the nginx setup',
    '    location / { proxy app; }',
    '}',
    '',
  ].join('\n');
}

type EdgeStatus = { master: number; processes: Array<{ role: 'front' | 'worker'; pid: number; state: string; served: number; connections: number }> };

async function edgeStatus(ctx: Context, config: string): Promise<EdgeStatus> {
  const { stdout } = await run(ctx.edge.command, [...ctx.edge.prefix, 'status', '--config', config, '--json'], {
    cwd: repoRoot,
    timeout: 15_000,
  });
  return JSON.parse(stdout) as EdgeStatus;
}

async function startEdge(ctx: Context, port: number, tag: string, fronts: number): Promise<Running> {
  const config = path.join(ctx.dir, `${tag}.edge.conf`);
  const runDir = path.join(ctx.dir, `${tag}-run`);
  writeFileSync(config, edgeConfig(ctx, port, fronts, runDir));
  const master = startProcess(`${tag}-edge`, ctx.edge.command, [...(ctx.edge.runFlags ?? []), ...ctx.edge.prefix, 'run', '--config', config], {
    cwd: repoRoot,
    env: ctx.edge.runEnv ?? process.env,
    logFile: path.join(ctx.dir, `${tag}.edge.log`),
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitReady(url, [master]);
    // every front and worker ready
    for (let i = 0; ; i++) {
      const s = await edgeStatus(ctx, config);
      const ready = s.processes.filter((p) => p.state === 'ready');
      if (ready.filter((p) => p.role === 'front').length === fronts && ready.filter((p) => p.role === 'worker').length === ctx.workers) break;
      if (i > 100) throw new Error(`edge did not report ${fronts} fronts and ${ctx.workers} workers ready: ${JSON.stringify(s)}`);
      await sleep(100);
    }
  } catch (error) {
    await stopProcesses([master]);
    throw error;
  }
  return {
    url,
    settleMs: 1200, // workers report their counts in heartbeats, once a second by default
    async processes() {
      const s = await edgeStatus(ctx, config);
      const tiers = new Map<number, Tier>();
      for (const pid of withDescendants([master.pid])) tiers.set(pid, 'master');
      for (const p of s.processes) if (tiers.has(p.pid)) tiers.set(p.pid, p.role === 'front' ? 'front' : 'back');
      return tiers;
    },
    async upstream() {
      const s = await edgeStatus(ctx, config);
      const workers = s.processes.filter((p) => p.role === 'worker');
      return { connections: workers.reduce((n, p) => n + p.connections, 0), requests: workers.reduce((n, p) => n + p.served, 0) };
    },
    stop: () => stopProcesses([master]),
  };
}

// ---- nginx → Node -------------------------------------------------------------------------

function nginxConfig(ctx: Context, port: number, tag: string, sockets: readonly string[]): string {
  const d = ctx.dir;
  const tmp = path.join(d, `${tag}-nginx-tmp`);
  const root = process.getuid?.() === 0;
  return [
    '# Written by scripts/bench.ts (after the anchors\' nginx-main.conf + nginx-proxy-node.server templates)',
    'worker_processes 1;',
    'daemon off;',
    'master_process on;',
    root ? 'user nobody nogroup;' : '# not root: the workers run as this user',
    `pid ${d}/${tag}.nginx.pid;`,
    `error_log ${d}/${tag}.nginx-error.log warn;`,
    'worker_rlimit_nofile 16384;',
    'events { worker_connections 4096; }',
    'http {',
    '    default_type application/octet-stream;',
    '    access_log off;',
    '    sendfile on;',
    '    tcp_nopush on;',
    '    tcp_nodelay on;',
    '    keepalive_timeout 75s;',
    '    keepalive_requests 1000000;   # default 1000: would measure client reconnects',
    `    client_body_temp_path ${tmp}/body;`,
    `    proxy_temp_path ${tmp}/proxy;`,
    `    fastcgi_temp_path ${tmp}/fastcgi;`,
    `    uwsgi_temp_path ${tmp}/uwsgi;`,
    `    scgi_temp_path ${tmp}/scgi;`,
    '    upstream node_backends {',
    ...sockets.map((s) => `        server unix:${s};`),
    `        keepalive ${Math.max(128, ctx.connections)};   # idle upstream connections kept per worker process`,
    '        keepalive_requests 1000000;',
    '        keepalive_timeout 4s;   # below Node\'s default server keepAliveTimeout (5 s)',
    '    }',
    '    server {',
    `        listen 127.0.0.1:${port} backlog=4096;`,
    '        location / {',
    '            proxy_pass http://node_backends;',
    '            proxy_http_version 1.1;',
    '            proxy_set_header Connection "";',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}

async function startNginx(ctx: Context, port: number, tag: string): Promise<Running> {
  const sockDir = path.join(ctx.dir, `${tag}-sockets`);
  mkdirSync(sockDir, { recursive: true, mode: 0o755 });
  const sockets = Array.from({ length: ctx.workers }, (_, i) => path.join(sockDir, `node-${i + 1}.sock`));
  const counts = new Map<number, Upstream>();
  const backends = sockets.map((sock, i) => {
    const p = startProcess(`${tag}-node-${i + 1}`, ctx.node, [helloServer, 'unix', sock], {
      logFile: path.join(ctx.dir, `${tag}.node-${i + 1}.log`),
      stdout: 'pipe',
    });
    let buffer = '';
    p.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const m = JSON.parse(line) as { pid: number; connections: number; requests: number };
          counts.set(m.pid, { connections: m.connections, requests: m.requests });
        } catch {
          // not ours
        }
      }
    });
    return p;
  });
  const conf = path.join(ctx.dir, `${tag}.nginx.conf`);
  writeFileSync(conf, nginxConfig(ctx, port, tag, sockets));
  mkdirSync(path.join(ctx.dir, `${tag}-nginx-tmp`), { recursive: true });
  const errorLog = path.join(ctx.dir, `${tag}.nginx-error.log`);
  let front: Started | null = null;
  try {
    for (const sock of sockets) await waitReady(`http://localhost/`, backends, sock);
    await run(ctx.nginx, ['-t', '-q', '-p', ctx.dir, '-e', errorLog, '-c', conf]).catch((error: { stderr?: string }) => {
      throw new Error(`nginx -t failed for ${conf}: ${error.stderr ?? String(error)}`);
    });
    front = startProcess(`${tag}-nginx`, ctx.nginx, ['-p', ctx.dir, '-e', errorLog, '-c', conf], { logFile: path.join(ctx.dir, `${tag}.nginx.log`) });
    await waitReady(`http://127.0.0.1:${port}/`, [front, ...backends]);
  } catch (error) {
    await stopProcesses(front === null ? backends : [front, ...backends]);
    throw error;
  }
  const nginx = front;
  return {
    url: `http://127.0.0.1:${port}/`,
    settleMs: 0,
    async processes() {
      const tiers = new Map<number, Tier>();
      for (const pid of withDescendants([nginx.pid])) tiers.set(pid, 'front');
      for (const pid of withDescendants(backends.map((b) => b.pid))) tiers.set(pid, 'back');
      return tiers;
    },
    async upstream() {
      for (const b of backends) counts.delete(b.pid);
      for (const b of backends) b.child.kill('SIGUSR2');
      for (let i = 0; i < 100 && backends.some((b) => !counts.has(b.pid)); i++) await sleep(20);
      if (backends.some((b) => !counts.has(b.pid))) throw new Error('the Node backends did not report their connection counts');
      const all = backends.map((b) => counts.get(b.pid) as Upstream);
      return { connections: all.reduce((n, c) => n + c.connections, 0), requests: all.reduce((n, c) => n + c.requests, 0) };
    },
    stop: () => stopProcesses([nginx, ...backends]),
  };
}

// ---- node:cluster --------------------------------------------------------------------------

async function startCluster(ctx: Context, port: number, tag: string): Promise<Running> {
  const primary = startProcess(`${tag}-cluster`, ctx.node, [helloServer, 'tcp', '127.0.0.1', String(port), String(ctx.workers)], {
    logFile: path.join(ctx.dir, `${tag}.cluster.log`),
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitReady(url, [primary]);
    for (let i = 0; withDescendants([primary.pid]).length < ctx.workers + 1; i++) {
      if (i > 100) throw new Error('node:cluster did not start its workers');
      await sleep(50);
    }
  } catch (error) {
    await stopProcesses([primary]);
    throw error;
  }
  return {
    url,
    settleMs: 0,
    async processes() {
      return new Map(withDescendants([primary.pid]).map((pid) => [pid, 'front' as Tier]));
    },
    async upstream() {
      return null;
    },
    stop: () => stopProcesses([primary]),
  };
}

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

export type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders };

export function get(url: string, socketPath?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, socketPath, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Waits (up to 30 s) until the URL answers with exactly the hello response. */
async function waitReady(url: string, procs: readonly Started[], socketPath?: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const dead = procs.find((p) => !isRunning(p));
    if (dead) throw new Error(`${dead.name} exited (code ${dead.child.exitCode}, signal ${dead.child.signalCode}) before it answered on ${socketPath ?? url}`);
    try {
      const a = await get(url, socketPath);
      if (a.status === 200 && a.body === expectedBody && a.headers['content-length'] === '14' && a.headers['content-type'] === 'text/plain') return;
      last = `status ${a.status}, content-type ${a.headers['content-type']}, body ${JSON.stringify(a.body.slice(0, 80))}`;
      if (a.status === 200) throw new Error(`${socketPath ?? url} answers, but not with the hello response: ${last}`);
    } catch (error) {
      if (String(error).includes('not with the hello response')) throw error;
      last = String(error);
    }
    await sleep(100);
  }
  throw new Error(`${socketPath ?? url} did not answer within 30 s (last: ${last})`);
}

