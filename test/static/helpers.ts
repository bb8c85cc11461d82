// A site on disk and a real edge serving it, for the static-file tests: files written into a
// temporary directory (with symbolic links), edge started on a free port, requests with
// exact headers (undici's request: no normalisation, no decompression).

import { mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { startEdge } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

/** Relative path → content; a value `{ link }` makes a symbolic link to `link`. */
export type Tree = Record<string, string | Buffer | { link: string }>;

export function writeTree(dir: string, tree: Tree): void {
  for (const [name, content] of Object.entries(tree)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.link, file);
    else writeFileSync(file, content);
  }
}

export type StaticEdge = { edge: RunningEdge; url: string; dir: string; remove: () => void };

/** Writes the tree and `edge.conf` (`$DIR` in it is the site's directory), and starts edge. */
export async function startSite(prefix: string, tree: Tree, conf: string): Promise<StaticEdge> {
  const { dir, remove } = makeTempDir(prefix);
  writeTree(dir, { 'app.cjs': "module.exports = (req, res) => res.end('app ' + req.method + ' ' + req.url);\n", ...tree });
  writeFileSync(path.join(dir, 'edge.conf'), conf.replaceAll('$DIR', dir));
  const edge = await startEdge(['run'], { cwd: dir });
  return { edge, url: edge.url, dir, remove };
}

export type Got = { status: number; headers: Record<string, string>; body: Buffer; text: string };

/** One request with exactly these headers; the body as bytes, as sent. */
export async function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  const res = await request(url, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) flat[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
  return { status: res.statusCode, headers: flat, body, text: body.toString('latin1') };
}

/** The pid of edge's front process. */
export async function frontPid(dir: string): Promise<number> {
  const status = JSON.parse((await runEdge(['status', '--json'], { cwd: dir })).stdout) as { processes: Array<{ role: string; pid: number }> };
  return status.processes.find((p) => p.role === 'front')?.pid ?? 0;
}

/** The files under `dir` that process `pid` has open. */
export function openFilesUnder(pid: number, dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // closed while we looked
    }
  }
  return open;
}

export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
