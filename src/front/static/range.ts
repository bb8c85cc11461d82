// The Range header (RFC 9110 14.2) against a representation of `size` bytes.

/** Inclusive byte positions, as Content-Range writes them. */
export type ByteRange = { start: number; end: number };

/**
 * `none`: send the whole representation (no Range, another unit, invalid syntax, or a set of
 * ranges not worth serving); `unsatisfiable`: 416; otherwise the ranges, in the asked order.
 */
export type RangeDecision = { kind: 'none' } | { kind: 'unsatisfiable' } | { kind: 'ranges'; ranges: ByteRange[] };

const none: RangeDecision = { kind: 'none' };

// More parts than any client needs; a request for more is served whole (RFC 9110 allows it),
// so that a list of thousands of tiny ranges costs nothing.
export const maxRanges = 100;

const spec = /^(\d*)-(\d*)$/;

export function parseRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return none;
  const eq = header.indexOf('=');
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return none;
  // A zero-length file has no byte to range over: served whole, as nginx does.
  if (size === 0) return none;
  const ranges: ByteRange[] = [];
  let valid = 0;
  let total = 0;
  for (const part of header.slice(eq + 1).split(',')) {
    const text = part.trim();
    // Empty list elements are allowed (RFC 9110 5.6.1).
    if (text === '') continue;
    const m = spec.exec(text);
    if (m === null) return none;
    const [, first = '', last = ''] = m;
    if (first === '' && last === '') return none;
    valid++;
    if (valid > maxRanges) return none;
    let start: number;
    let end: number;
    if (first === '') {
      // Suffix: the last N bytes (all of them if N is larger than the file).
      const n = Number(last);
      if (n === 0) continue;
      start = Math.max(0, size - n);
      end = size - 1;
    } else {
      start = Number(first);
      end = last === '' ? size - 1 : Number(last);
      // `5-2` is invalid syntax (the whole header is ignored); `100-` past the end is unsatisfiable.
      if (last !== '' && end < start) return none;
      if (start >= size) continue;
      end = Math.min(end, size - 1);
    }
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return none;
    ranges.push({ start, end });
    total += end - start + 1;
  }
  if (valid === 0) return none;
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  // Overlapping parts that add up to more than the file: served whole, as nginx does.
  if (ranges.length > 1 && total > size) return none;
  return { kind: 'ranges', ranges };
}
