// The nginx setups of scripts/bench.ts: nginx (worker_processes 1 or 2) serving a group's site
// (bench-groups.ts), and for a site with an app N plain Node processes on Unix sockets behind it
// (hello-server.cjs), reached over upstream keep-alive. The configuration follows the anchors'
// templates (../shared/anchors/templates): the same http block, sendfile on.

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Answer } from './bench-answer.ts';
import { urlOf } from './bench-groups.ts';
import type { Scenario, Site } from './bench-groups.ts';
import { sleep, startProcess, stopProcesses, withDescendants } from './bench-proc.ts';
import type { Started } from './bench-proc.ts';
import { askOptions, helloServer, originOf, textApp, waitReady } from './bench-running.ts';
import type { Context, Running, Tier, Upstream } from './bench-running.ts';

const run = promisify(execFile);

export function nginxConfig(ctx: Context, port: number, tag: string, workerProcesses: number, site: Site, sockets: readonly string[]): string {
  const d = ctx.dir;
  const tmp = path.join(d, `${tag}-nginx-tmp`);
  const root = process.getuid?.() === 0;
  const tls = site.tls;
  return [
    "# Written by scripts/bench.ts (after the anchors' nginx-main.conf + nginx-*.server templates)",
    `worker_processes ${workerProcesses};`,
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
    '    keepalive_requests 1000000;   # default 1000: would measure client reconnects (HTTP/2: requests per connection)',
    `    client_body_temp_path ${tmp}/body;`,
    `    proxy_temp_path ${tmp}/proxy;`,
    `    fastcgi_temp_path ${tmp}/fastcgi;`,
    `    uwsgi_temp_path ${tmp}/uwsgi;`,
    `    scgi_temp_path ${tmp}/scgi;`,
    ...(site.gzip ? ['    gzip on;', '    gzip_comp_level 1;', '    gzip_types text/plain;', '    gzip_proxied any;'] : []),
    ...(site.app === null
      ? []
      : [
          '    upstream node_backends {',
          ...sockets.map((s) => `        server unix:${s};`),
          `        keepalive ${site.upstreamKeepalive};   # idle upstream connections kept per worker process`,
          '        keepalive_requests 1000000;',
          "        keepalive_timeout 4s;   # below Node's default server keepAliveTimeout (5 s)",
          '    }',
        ]),
    '    server {',
    `        listen 127.0.0.1:${port}${tls === null ? '' : ' ssl http2'} backlog=4096;`,
    ...(tls === null ? [] : [`        ssl_certificate ${tls.cert};`, `        ssl_certificate_key ${tls.key};`, '        ssl_protocols TLSv1.2 TLSv1.3;']),
    ...(site.returnHello ? ['        location = /return {', '            default_type text/plain;', '            return 200 "Hello, World!\\n";', '        }'] : []),
    ...(site.root === null
      ? []
      : [
          '        location /files/ {',
          `            root ${site.root};`,
          '            open_file_cache max=1000 inactive=60s;',
          '            open_file_cache_valid 60s;',
          '        }',
        ]),
    ...(site.app === null
      ? []
      : ['        location / {', '            proxy_pass http://node_backends;', '            proxy_http_version 1.1;', '            proxy_set_header Connection "";', '        }']),
    '    }',
    '}',
    '',
  ].join('\n');
}

/** What a Node backend must answer before nginx starts in front of it. */
function backendCheck(site: Site): (a: Answer) => string | null {
  if (site.app === 'text') return (a) => (a.status === 200 && a.headers['content-length'] === '102400' ? null : `status ${a.status}, content-length ${a.headers['content-length']}`);
  return (a) => (a.status === 200 && a.body.toString() === 'Hello, World!\n' ? null : `status ${a.status}, body ${JSON.stringify(a.body.toString().slice(0, 60))}`);
}

export async function startNginx(ctx: Context, port: number, tag: string, workerProcesses: number, site: Site, probe: Scenario): Promise<Running> {
  const sockDir = path.join(ctx.dir, `${tag}-sockets`);
  if (site.app !== null) mkdirSync(sockDir, { recursive: true, mode: 0o755 });
  const sockets = site.app === null ? [] : Array.from({ length: ctx.workers }, (_, i) => path.join(sockDir, `node-${i + 1}.sock`));
  const counts = new Map<number, Upstream>();
  const backends = sockets.map((sock, i) => {
    const p = startProcess(`${tag}-node-${i + 1}`, ctx.node, [helloServer, 'unix', sock, ...(site.app === 'text' ? [textApp] : [])], {
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
  writeFileSync(conf, nginxConfig(ctx, port, tag, workerProcesses, site, sockets));
  mkdirSync(path.join(ctx.dir, `${tag}-nginx-tmp`), { recursive: true });
  const errorLog = path.join(ctx.dir, `${tag}.nginx-error.log`);
  const origin = originOf(site, port);
  let front: Started | null = null;
  try {
    for (const sock of sockets) await waitReady('http://localhost/', backends, backendCheck(site), { socketPath: sock });
    await run(ctx.nginx, ['-t', '-q', '-p', ctx.dir, '-e', errorLog, '-c', conf]).catch((error: { stderr?: string }) => {
      throw new Error(`nginx -t failed for ${conf}: ${error.stderr ?? String(error)}`);
    });
    front = startProcess(`${tag}-nginx`, ctx.nginx, ['-p', ctx.dir, '-e', errorLog, '-c', conf], { logFile: path.join(ctx.dir, `${tag}.nginx.log`) });
    await waitReady(urlOf(probe, origin), [front, ...backends], probe.check, askOptions(site, probe));
    for (let i = 0; withDescendants([front.pid]).length < workerProcesses + 1; i++) {
      if (i > 100) throw new Error(`nginx did not start its ${workerProcesses} worker processes`);
      await sleep(50);
    }
  } catch (error) {
    await stopProcesses(front === null ? backends : [front, ...backends]);
    throw error;
  }
  const nginx = front;
  return {
    origin,
    settleMs: 0,
    async processes() {
      const tiers = new Map<number, Tier>();
      for (const pid of withDescendants([nginx.pid])) tiers.set(pid, 'front');
      for (const pid of withDescendants(backends.map((b) => b.pid))) tiers.set(pid, 'back');
      return tiers;
    },
    async upstream() {
      if (backends.length === 0) return null;
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
