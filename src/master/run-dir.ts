// The private run directory: worker sockets and the control socket live here (mode 0700,
// sockets 0600). One directory per configuration, so `edge status --config X` finds the
// master that runs X, and two configurations never share sockets.

import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EdgeConfig } from '../config/types.ts';
import { EdgeError } from '../errors.ts';

const masterPidFile = 'master.pid';
export const controlSocketName = 'control.sock';

/** The run directory of this configuration: `run_dir`, or one derived from the config's identity. */
export function runDirectoryOf(config: EdgeConfig): string {
  if (config.runDir !== null) return config.runDir;
  return defaultRunDirectory(config.file ?? config.apps.map((a) => a.module).join('\n'));
}

/** Without `run_dir`: a directory named after the configuration file (or the app). */
export function defaultRunDirectory(identity: string): string {
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12);
  const runtime = process.env.XDG_RUNTIME_DIR;
  const base = runtime && isUsableBase(runtime) ? runtime : os.tmpdir();
  const uid = process.getuid?.() ?? 0;
  return path.join(base, `edge-${uid}-${hash}`);
}

function isUsableBase(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The pid of the master running in `dir`, or null when none is alive. */
export function runningMaster(dir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dir, masterPidFile), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/**
 * Creates the directory, or takes over a stale one left by a crashed run: only when it is a
 * real directory, owned by us, private, and no live master claims it; then only its
 * sockets and pid file are removed.
 */
export function prepareRunDirectory(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || stat.isSymbolicLink()) {
    throw new EdgeError('EDGE_ERR_RUN_DIR', `run directory ${dir} is not a directory; remove it or set run_dir`);
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new EdgeError('EDGE_ERR_RUN_DIR', `run directory ${dir} belongs to another user (uid ${stat.uid}); set run_dir`);
  }
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8);
    throw new EdgeError('EDGE_ERR_RUN_DIR', `run directory ${dir} is not private (mode ${mode}, needs 700); remove it or set run_dir`);
  }
  const other = runningMaster(dir);
  if (other !== null && other !== process.pid) {
    throw new EdgeError(
      'EDGE_ERR_ALREADY_RUNNING',
      `edge is already running with this configuration (master pid ${other}); stop it with edge stop, or set another run_dir`,
    );
  }
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name === masterPidFile || lstatSync(file).isSocket()) rmSync(file, { force: true });
  }
  writeFileSync(path.join(dir, masterPidFile), `${process.pid}\n`, { mode: 0o600 });
}

/** Removes what this run put in the directory, and the directory when nothing else is left. */
export function cleanRunDirectory(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (name === masterPidFile || lstatSync(file).isSocket()) rmSync(file, { force: true });
    }
    rmdirSync(dir);
  } catch {
    // Best effort at exit: a leftover is cleaned by the next start.
  }
}
