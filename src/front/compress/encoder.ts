// The encoders: node:zlib's gzip and brotli, always the asynchronous kind (the work runs on
// libuv's thread pool, never on the front's event loop).

import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Encoding } from './accept-encoding.ts';

const { BROTLI_PARAM_LGWIN, BROTLI_PARAM_QUALITY, BROTLI_PARAM_SIZE_HINT } = zlib.constants;

// ngx_brotli's default window (brotli_window 512k): brotli's own default (4 MiB) costs each
// response being compressed that much more memory for little gain on web content.
const streamWindowBits = 19;

const gzipAsync = promisify(zlib.gzip);
const brotliAsync = promisify(zlib.brotliCompress);

/** The window a body of this size needs: no larger than the body, within brotli's 10..24. */
function windowBitsFor(size: number): number {
  return Math.min(24, Math.max(10, Math.ceil(Math.log2(size + 1))));
}

/**
 * gzip's window and hash memory shrunk to a small body, as nginx does: a 1 KiB response does
 * not need deflate's 256 KiB (zlib's smallest usable window is 2^9).
 */
function gzipOptions(level: number, sizeHint: number): zlib.ZlibOptions {
  if (sizeHint <= 0 || sizeHint >= 1 << 15) return { level };
  const windowBits = Math.max(9, Math.ceil(Math.log2(sizeHint + 1)));
  return { level, windowBits, memLevel: Math.max(1, 8 - (15 - windowBits)) };
}

function brotliParams(level: number, sizeHint: number, windowBits: number): Record<number, number> {
  const params: Record<number, number> = { [BROTLI_PARAM_QUALITY]: level, [BROTLI_PARAM_LGWIN]: windowBits };
  if (sizeHint > 0) params[BROTLI_PARAM_SIZE_HINT] = sizeHint;
  return params;
}

/**
 * A whole body, compressed (for bodies already in memory: a cached static file). `level` is
 * gzip's 1..9 or brotli's quality 0..11.
 */
export function compressBuffer(body: Buffer, encoding: Encoding, level: number): Promise<Buffer> {
  if (encoding === 'gzip') return gzipAsync(body, gzipOptions(level, body.length));
  return brotliAsync(body, { params: brotliParams(level, body.length, windowBitsFor(body.length)) });
}

/**
 * A streaming encoder for a body of `sizeHint` bytes (0: unknown), with a window no larger
 * than the body needs.
 */
export function createEncoder(encoding: Encoding, level: number, sizeHint: number): zlib.Gzip | zlib.BrotliCompress {
  if (encoding === 'gzip') return zlib.createGzip(gzipOptions(level, sizeHint));
  const windowBits = sizeHint > 0 ? Math.min(streamWindowBits, windowBitsFor(sizeHint)) : streamWindowBits;
  return zlib.createBrotliCompress({ params: brotliParams(level, sizeHint, windowBits) });
}

/** The flush that makes everything written so far decodable, keeping the history. */
export function syncFlushKind(encoding: Encoding): number {
  return encoding === 'gzip' ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.BROTLI_OPERATION_FLUSH;
}
