// What the file system says about a mapped path: a file (with its validators), a directory,
// or why it is not served (missing 404, refused 403), with the symbolic-link policy applied.

import fs from 'node:fs';
import type { SymlinkPolicy } from '../../config/types.ts';
import { checkSegments } from './path-map.ts';

export type FileStat = { size: number; mtimeMs: number; ino: number; dev: number };

/** A regular file: its validators, and its body once the cache holds it. */
export type FileEntry = { kind: 'file'; file: string; stat: FileStat; etag: string; lastModified: string; body: Buffer | null; checkedAt: number };

export type FileInfo =
  | FileEntry
  | { kind: 'dir'; file: string; checkedAt: number }
  | { kind: 'missing'; file: string; status: 403 | 404 | 500; checkedAt: number };

/** How a path is checked: the base it must stay in, the link policy, and hidden names. */
export type Lookup = { file: string; dir: string; rel: string; policy: SymlinkPolicy; dotfiles: boolean };

export function fileInfo(file: string, stat: FileStat, checkedAt: number): FileEntry {
  return { kind: 'file', file, stat, etag: etagOf(stat), lastModified: new Date(stat.mtimeMs).toUTCString(), body: null, checkedAt };
}

/** nginx's form `"mtime-size"` in hex, with the time in milliseconds rather than seconds. */
export function etagOf(stat: FileStat): string {
  return `"${Math.floor(stat.mtimeMs).toString(16)}-${stat.size.toString(16)}"`;
}

export function sameFile(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;
}

export function statOf(s: fs.Stats): FileStat {
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, dev: s.dev };
}

function missing(file: string, error: NodeJS.ErrnoException, now: number): FileInfo {
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'ENAMETOOLONG':
      return { kind: 'missing', file, status: 404, checkedAt: now };
    case 'EACCES':
    case 'EPERM':
    case 'ELOOP':
      return { kind: 'missing', file, status: 403, checkedAt: now };
    default:
      return { kind: 'missing', file, status: 500, checkedAt: now };
  }
}

const statAsync = (file: string): Promise<fs.Stats> =>
  new Promise((resolve, reject) => fs.stat(file, (error, s) => (error ? reject(error) : resolve(s))));

const realpathAsync = (file: string): Promise<string> =>
  new Promise((resolve, reject) => fs.realpath.native(file, (error, p) => (error ? reject(error) : resolve(p))));

// The real path of each base (root or alias directory), checked again like any file: a
// deploy that swaps a `current -> releases/N` link moves the base.
const realBases = new Map<string, { real: Promise<string>; at: number }>();
const realBaseValidMs = 1000;

function realBase(dir: string, now: number): Promise<string> {
  const known = realBases.get(dir);
  if (known !== undefined && now - known.at < realBaseValidMs) return known.real;
  const real = realpathAsync(dir === '' ? '/' : dir);
  realBases.set(dir, { real, at: now });
  real.catch(() => realBases.delete(dir));
  return real;
}

/** Stats the file and, unless links are followed freely, checks where it really is. */
export async function lookupFile(l: Lookup): Promise<FileInfo> {
  const now = Date.now();
  try {
    const [s, real, base] = await Promise.all([
      statAsync(l.file),
      l.policy === 'off' ? '' : realpathAsync(l.file),
      l.policy === 'off' ? '' : realBase(l.dir, now),
    ]);
    if (l.policy !== 'off' && !allowed(l, real, base)) return { kind: 'missing', file: l.file, status: 403, checkedAt: now };
    if (s.isDirectory()) return { kind: 'dir', file: l.file, checkedAt: now };
    // Devices, sockets and pipes are not files to serve.
    if (!s.isFile()) return { kind: 'missing', file: l.file, status: 404, checkedAt: now };
    return fileInfo(l.file, statOf(s), now);
  } catch (error) {
    return missing(l.file, error as NodeJS.ErrnoException, now);
  }
}

function allowed(l: Lookup, real: string, base: string): boolean {
  const root = base === '/' ? '' : base;
  let realRel: string;
  if (real === root || real === base) realRel = '';
  else if (real.startsWith(`${root}/`)) realRel = real.slice(root.length);
  else return false;
  // `on`: no link at all below the base, so the real path is the asked one.
  if (l.policy === 'on' && realRel !== stripSlash(l.rel)) return false;
  // A link inside the root must not lead to a hidden file either (`x -> .git/config`).
  return l.dotfiles || checkSegments(realRel, true, false) === null;
}

function stripSlash(rel: string): string {
  return rel.endsWith('/') ? rel.slice(0, -1) : rel;
}
