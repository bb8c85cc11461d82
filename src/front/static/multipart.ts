// multipart/byteranges (RFC 9110 14.6): each range with its own Content-Type and
// Content-Range, between boundary lines, as nginx writes it.

import { randomBytes } from 'node:crypto';
import type { ByteRange } from './range.ts';

export type MultipartPlan = {
  contentType: string;
  /** Part heads and the closing line; the ranges' bytes go between them. */
  heads: Buffer[];
  tail: Buffer;
  length: number;
};

// A random stem per process and a counter: unique per response, and nothing per request
// costs the random generator.
const stem = randomBytes(6).toString('hex');
let counter = 0;

export function planMultipart(ranges: readonly ByteRange[], size: number, contentType: string): MultipartPlan {
  counter = (counter + 1) % 1e9;
  const boundary = `${stem}${String(counter).padStart(9, '0')}`;
  const heads = ranges.map((r) => Buffer.from(`\r\n--${boundary}\r\ncontent-type: ${contentType}\r\ncontent-range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`, 'latin1'));
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  let length = tail.length;
  ranges.forEach((r, i) => {
    length += (heads[i] as Buffer).length + r.end - r.start + 1;
  });
  return { contentType: `multipart/byteranges; boundary=${boundary}`, heads, tail, length };
}
