// What scripts/bench.ts needs before it starts: the load tools and nginx (installed with apt-get
// when missing, as root), and which edge to measure (dist/edge, rebuilt when stale, or source).

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { log } from './bench-measure.ts';
import { repoRoot } from './bench-setups.ts';
import type { EdgeCommand } from './bench-setups.ts';

export type Tool = 'wrk' | 'nginx' | 'h2load' | 'openssl';

/** The Debian package of each tool. */
export const packageOf: Record<Tool, string> = { wrk: 'wrk', nginx: 'nginx', h2load: 'nghttp2-client', openssl: 'openssl' };

/** Every package the benchmark may install, for the documentation and messages. */
export const allPackages = Object.values(packageOf).join(' ');

export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The paths of the tools needed; missing ones are installed with apt-get (as root) unless noInstall. */
export function ensureTools(needed: readonly Tool[], noInstall: boolean): Map<Tool, string> {
  const missing = needed.filter((t) => findBinary(t) === null);
  if (missing.length > 0) {
    const packages = missing.map((t) => packageOf[t]);
    const command = `apt-get install -y ${packages.join(' ')}`;
    if (noInstall) throw new Error(`missing ${missing.join(', ')}; install with: ${command}`);
    if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}; run as root, or install first: ${command}`);
    log(`${missing.join(', ')} not found: installing with \`${command}\``);
    const apt = (args: string[]): boolean =>
      spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    if (!apt(['install', '-y', ...packages])) {
      log('apt-get install failed: running apt-get update, then trying again');
      if (!apt(['update']) || !apt(['install', '-y', ...packages])) throw new Error(`${command} failed`);
    }
  }
  const found = new Map<Tool, string>();
  for (const t of needed) {
    const file = findBinary(t);
    if (file === null) throw new Error(`${t} still missing after installing ${packageOf[t]}`);
    found.set(t, file);
  }
  return found;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** dist/edge when built (building it when missing or older than src/), else from source. */
export function chooseEdge(dir: string, mode: string, source: EdgeCommand): EdgeCommand {
  if (mode === 'source') return source;
  const dist = path.join(repoRoot, 'dist/edge');
  const stale = existsSync(dist) && statSync(dist).mtimeMs < newestMtime(path.join(repoRoot, 'src'));
  if (!existsSync(dist) || stale) {
    log(`dist/edge ${stale ? 'is older than src/' : 'is missing'}: building it (npm run build)`);
    const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.ts')], { cwd: repoRoot, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) {
      if (mode === 'dist') throw new Error('npm run build failed');
      log('the build failed: running edge from source instead');
      return source;
    }
  }
  // A private copy: a rebuild during the benchmark must not change what is measured.
  const copy = path.join(dir, 'edge');
  copyFileSync(dist, copy);
  chmodSync(copy, 0o755);
  const when = statSync(dist).mtime.toISOString().slice(0, 16).replace('T', ' ');
  return { label: `dist/edge (single executable built ${when} UTC, run from a copy in the temp dir)`, command: copy, prefix: [] };
}

export function versionOf(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() || 'unknown';
}
