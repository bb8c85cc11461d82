// Reading configuration files: bytes → text, with errors that say which file and why.

import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import type { Where } from '../errors.ts';

/** How a file is named in messages: relative to the working directory when below it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const reasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * Reads a configuration file as UTF-8 text. `includedAt` is the `include` directive that
 * named the file, so that a missing include points at the line that asked for it.
 */
export function readConfigText(file: string, includedAt?: Where): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = reasons[code] ?? (error as Error).message;
    const name = displayPath(file);
    const message = includedAt ? `cannot include "${name}": ${reason}` : `cannot read config file "${name}": ${reason}`;
    throw new EdgeError(includedAt ? 'EDGE_ERR_CONFIG_INCLUDE' : 'EDGE_ERR_CONFIG_READ', message, includedAt, {
      cause: error,
    });
  }
  if (!isUtf8(bytes)) {
    const offset = firstInvalidUtf8(bytes);
    const { line, col } = positionOfByte(bytes, offset);
    throw new EdgeError(
      'EDGE_ERR_CONFIG_ENCODING',
      `invalid UTF-8: byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset}; save the file as UTF-8`,
      { file: displayPath(file), line, col },
    );
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Byte offset of the first sequence that is not UTF-8 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return i;
}

function positionOfByte(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset; i++) {
    const b = bytes[i] as number;
    if (b === 0x0a) {
      line++;
      col = 1;
    } else if ((b & 0xc0) !== 0x80) {
      col++;
    }
  }
  return { line, col };
}
