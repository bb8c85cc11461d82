// The setups scripts/bench.ts compares, on 127.0.0.1, each serving one group's site (bench-groups.ts):
//   edge      edge, 1 front (N async workers when the site has an app), access_log off
//   edge-f2   edge, front_processes 2
//   nginx     nginx, worker_processes 1 (→ N plain Node processes on Unix sockets when the site has an app)
//   nginx-w2  nginx, worker_processes 2
//   cluster   node:cluster, N workers listening directly on TCP (hello only)
//   node-https, node-h2, node-static   plain-Node references, 1 process (bench-node.ts)
// Each started setup knows its processes by tier (front, master, back) and how many
// connections its app processes have accepted from the proxy in front. nginx: bench-nginx.ts.

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { helloGroup, urlOf } from './bench-groups.ts';
import type { Group, Scenario, Site } from './bench-groups.ts';
import { startNginx } from './bench-nginx.ts';
import { describeNode, startNode } from './bench-node.ts';
import { sleep, startProcess, stopProcesses, withDescendants } from './bench-proc.ts';
import { askOptions, freePort, frontsOf, helloApp, helloServer, isEdge, isNodeReference, originOf, repoRoot, serves, textApp, waitReady } from './bench-running.ts';
import type { Context, Running, SetupId, Tier } from './bench-running.ts';

export { repoRoot, setupIds, isEdge, isNodeReference, frontsOf, serves } from './bench-running.ts';
export type { Context, EdgeCommand, NodeReference, Running, SetupId, Tier, Upstream } from './bench-running.ts';

const run = promisify(execFile);

export function describe(id: SetupId, workers: number, site: Site = helloGroup(0).site): string {
  const app = site.app === null ? '' : `, ${workers} ${id === 'cluster' ? '' : 'async '}workers`;
  switch (id) {
    case 'edge':
      return `edge, 1 front${app} (access_log off)`;
    case 'edge-f2':
      return `edge, front_processes 2${app} (access_log off)`;
    case 'nginx':
    case 'nginx-w2':
      return `nginx (worker_processes ${frontsOf(id)})${site.app === null ? '' : ` → ${workers}× Node on Unix sockets, upstream keepalive`}`;
    case 'cluster':
      return `node:cluster, ${workers} workers, TCP direct`;
    case 'node-https':
    case 'node-h2':
    case 'node-static':
      return describeNode(id);
  }
}

/** Starts a setup serving the group's site; it answers the first scenario it serves rightly. */
export async function startSetup(id: SetupId, ctx: Context, tag: string, group: Group = helloGroup(ctx.connections)): Promise<Running> {
  const port = await freePort();
  const probe = group.scenarios.find((sc) => serves(id, sc));
  if (probe === undefined) throw new Error(`${id} serves none of the scenarios of the ${group.id} group`);
  if (isNodeReference(id)) return await startNode(id, ctx, port, tag, group.site, probe);
  if (id === 'cluster') return await startCluster(ctx, port, tag, probe);
  if (isEdge(id)) return await startEdge(ctx, port, tag, frontsOf(id), group.site, probe);
  return await startNginx(ctx, port, tag, frontsOf(id), group.site, probe);
}

// ---- edge -----------------------------------------------------------------------------------

export function edgeConfig(ctx: Context, port: number, fronts: number, runDir: string, site: Site): string {
  const app = site.app === 'text' ? textApp : helloApp;
  return [
    '# Written by scripts/bench.ts',
    `front_processes ${fronts};`,
    ...(site.app === null ? [] : [`workers ${ctx.workers};`]),
    `run_dir ${runDir};`,
    ...(site.app === null ? [] : ['app {', `    module ${app};`, '    worker_class async;', '}']),
    'server {',
    `    listen 127.0.0.1:${port}${site.tls === null ? '' : ' ssl http2'};`,
    ...(site.tls === null ? [] : [`    ssl_certificate ${site.tls.cert};`, `    ssl_certificate_key ${site.tls.key};`]),
    '    access_log off;',
    '    keepalive_requests 1000000;   # the same client keep-alive limit as the nginx setup',
    ...(site.gzip ? ['    gzip on;', '    gzip_comp_level 1;', '    gzip_types text/plain;'] : []),
    ...(site.returnHello ? ['    location = /return { return 200 "Hello, World!"; }'] : []),
    ...(site.root === null
      ? []
      : ['    location /files/ {', `        root ${site.root};`, '        open_file_cache max=1000 inactive=60s;', '        open_file_cache_valid 60s;', '    }']),
    ...(site.app === null ? [] : ['    location / { proxy app; }']),
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

async function startEdge(ctx: Context, port: number, tag: string, fronts: number, site: Site, probe: Scenario): Promise<Running> {
  const config = path.join(ctx.dir, `${tag}.edge.conf`);
  const runDir = path.join(ctx.dir, `${tag}-run`);
  const workers = site.app === null ? 0 : ctx.workers;
  writeFileSync(config, edgeConfig(ctx, port, fronts, runDir, site));
  const master = startProcess(`${tag}-edge`, ctx.edge.command, [...(ctx.edge.runFlags ?? []), ...ctx.edge.prefix, 'run', '--config', config], {
    cwd: repoRoot,
    env: ctx.edge.runEnv ?? process.env,
    logFile: path.join(ctx.dir, `${tag}.edge.log`),
  });
  const origin = originOf(site, port);
  try {
    await waitReady(urlOf(probe, origin), [master], probe.check, askOptions(site, probe));
    // every front and worker ready
    for (let i = 0; ; i++) {
      const s = await edgeStatus(ctx, config);
      const ready = s.processes.filter((p) => p.state === 'ready');
      if (ready.filter((p) => p.role === 'front').length === fronts && ready.filter((p) => p.role === 'worker').length === workers) break;
      if (i > 100) throw new Error(`edge did not report ${fronts} fronts and ${workers} workers ready: ${JSON.stringify(s)}`);
      await sleep(100);
    }
  } catch (error) {
    await stopProcesses([master]);
    throw new Error(`${(error as Error).message}; edge's log: ${logTail(path.join(ctx.dir, `${tag}.edge.log`))}`);
  }
  return {
    origin,
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

/** The last lines of a log, on one line: why a setup did not start. */
function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n').slice(-4);
    return lines.length === 0 || lines[0] === '' ? '(empty)' : lines.join(' | ');
  } catch {
    return '(none)';
  }
}

// ---- node:cluster --------------------------------------------------------------------------

async function startCluster(ctx: Context, port: number, tag: string, probe: Scenario): Promise<Running> {
  const primary = startProcess(`${tag}-cluster`, ctx.node, [helloServer, 'tcp', '127.0.0.1', String(port), String(ctx.workers)], {
    logFile: path.join(ctx.dir, `${tag}.cluster.log`),
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitReady(urlOf(probe, origin), [primary], probe.check, {});
    for (let i = 0; withDescendants([primary.pid]).length < ctx.workers + 1; i++) {
      if (i > 100) throw new Error('node:cluster did not start its workers');
      await sleep(50);
    }
  } catch (error) {
    await stopProcesses([primary]);
    throw error;
  }
  return {
    origin,
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
