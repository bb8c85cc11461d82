// Reading a small file whole, for the cache: body and validators from one open file, and
// only if the file did not change while it was read (otherwise no body: the request is then
// served from disk, where a change cuts the response instead of mixing versions).

import fs from 'node:fs';
import { fileInfo, sameFile, statOf } from './file-info.ts';
import type { FileInfo, FileStat } from './file-info.ts';

export function openAsync(file: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, 'r', (error, fd) => (error ? reject(error) : resolve(fd))));
}

export function fstatAsync(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (error, s) => (error ? reject(error) : resolve(s))));
}

function readAsync(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buffer, offset, length, position, (error, n) => (error ? reject(error) : resolve(n))));
}

export function closeQuietly(fd: number): void {
  fs.close(fd, () => {});
}

export async function readWholeFile(file: string, maxBody: number): Promise<FileInfo> {
  let fd: number;
  try {
    fd = await openAsync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'missing', file, status: code === 'EACCES' || code === 'EPERM' ? 403 : 404, checkedAt: Date.now() };
  }
  try {
    const first = await fstatAsync(fd);
    if (!first.isFile()) return { kind: 'missing', file, status: 404, checkedAt: Date.now() };
    const stat: FileStat = statOf(first);
    const info = fileInfo(file, stat, Date.now());
    if (stat.size > maxBody) return info;
    // Its own memory, not a slice of Node's shared pool, so that the cache's count is true.
    const body = Buffer.allocUnsafeSlow(stat.size);
    let got = 0;
    while (got < stat.size) {
      const n = await readAsync(fd, body, got, stat.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const after = statOf(await fstatAsync(fd));
    if (got === stat.size && sameFile(stat, after)) info.body = body;
    return info;
  } catch {
    return { kind: 'missing', file, status: 500, checkedAt: Date.now() };
  } finally {
    closeQuietly(fd);
  }
}
