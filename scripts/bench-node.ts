// The plain-Node references of scripts/bench.ts: what Node's own servers reach on the same
// machine in the same run, so that edge's ratios to nginx can be read against them (the
// issue's TLS targets were set from such rows measured on another machine). One Node process
// each, listening on TCP, no proxy and no app behind:
//   node-https   https.createServer, the hello answer (tls group, HTTP/1.1 `return` scenario)
//   node-h2      http2.createSecureServer 'stream' API, the same answer (tls group, HTTP/2 `return`)
//   node-static  node:http serving the static group's files, cached as edge's open_file_cache
// Their apps: scripts/bench/tls-server.cjs, scripts/bench/static-server.cjs.

import path from 'node:path';
import { urlOf } from './bench-groups.ts';
import type { Scenario, Site } from './bench-groups.ts';
import { startProcess, stopProcesses } from './bench-proc.ts';
import { askOptions, originOf, staticServer, tlsServer, waitReady } from './bench-running.ts';
import type { Context, NodeReference, Running, Tier } from './bench-running.ts';

export function describeNode(id: NodeReference): string {
  switch (id) {
    case 'node-https':
      return 'Node https.createServer, 1 process (no app)';
    case 'node-h2':
      return "Node http2.createSecureServer 'stream' API, 1 process (no app)";
    case 'node-static':
      return 'Node http, files ≤ 1 MiB from memory (60 s), larger fs.createReadStream, 1 process';
  }
}

function argsOf(id: NodeReference, port: number, site: Site): string[] {
  if (id === 'node-static') {
    if (site.root === null) throw new Error('node-static needs a site with files');
    return [staticServer, '127.0.0.1', String(port), site.root];
  }
  if (site.tls === null) throw new Error(`${id} needs a site with a certificate`);
  return [tlsServer, id === 'node-https' ? 'https' : 'h2', '127.0.0.1', String(port), site.tls.cert, site.tls.key];
}

/** Starts a plain-Node reference with the pinned Node; it answers `probe` rightly. */
export async function startNode(id: NodeReference, ctx: Context, port: number, tag: string, site: Site, probe: Scenario): Promise<Running> {
  const proc = startProcess(`${tag}-${id}`, ctx.node, argsOf(id, port, site), { logFile: path.join(ctx.dir, `${tag}.${id}.log`) });
  const origin = originOf(site, port);
  try {
    await waitReady(urlOf(probe, origin), [proc], probe.check, askOptions(site, probe));
  } catch (error) {
    await stopProcesses([proc]);
    throw error;
  }
  return {
    origin,
    settleMs: 0,
    // Its one process is the whole setup and the tier that answers: the front.
    async processes() {
      return new Map<number, Tier>([[proc.pid, 'front']]);
    },
    async upstream() {
      return null;
    },
    stop: () => stopProcesses([proc]),
  };
}
