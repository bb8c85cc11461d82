// Files that hold private keys: a directory only its owner can enter, files written whole
// (a temporary file renamed over the old one, so a reader never sees half a key), and a lock
// so that two edge processes starting at once do not each make a different CA.

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Creates the directory (and its parents) if needed; returns why it cannot be used, or null. */
export function preparePrivateDir(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return `cannot create ${dir}: ${(error as Error).message}`;
  }
  return checkPrivateDir(dir);
}

/**
 * Null when `dir` is a directory of ours that no one else may enter; with `fix`, one that
 * others may enter is made private first (without, that is left for the run to fix).
 */
export function checkPrivateDir(dir: string, fix = true): string | null {
  let info;
  try {
    info = statSync(dir);
  } catch (error) {
    return `cannot use ${dir}: ${(error as Error).message}`;
  }
  if (!info.isDirectory()) return `${dir} is not a directory`;
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    return `${dir} belongs to another user (uid ${info.uid}): private keys must be in a directory of yours`;
  }
  if (fix && (info.mode & 0o077) !== 0) {
    try {
      chmodSync(dir, 0o700);
    } catch (error) {
      return `${dir} can be read by others and cannot be made private: ${(error as Error).message}`;
    }
  }
  return null;
}

/** Writes the whole file or nothing: a temporary file beside it, flushed, then renamed. */
export function writeFileAtomic(file: string, data: string, mode: number): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    // The mode given to open() is reduced by the umask; keys must be exactly this.
    chmodSync(temp, mode);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Runs `fn` holding `dir/.lock` (created exclusively). A lock older than `staleMs` is left
 * by a process that died while holding it, and is taken over.
 */
export async function withDirLock<T>(dir: string, fn: () => T | Promise<T>, staleMs = 30_000): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + staleMs + 5_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > staleMs || Date.now() > deadline) rmSync(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
