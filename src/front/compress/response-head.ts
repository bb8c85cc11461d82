// What the compression filter reads from, and changes in, a response head given as
// `name: value\r\n` lines. Runs only for responses of locations with gzip or brotli on.

export type HeadFacts = {
  /** '' when there is none. */
  contentType: string;
  /** -1 when there is none (or it is not a number). */
  contentLength: number;
  /** The body has a Content-Encoding already: never compressed twice. */
  encoded: boolean;
  /** A part of a representation (Content-Range): never compressed. */
  ranged: boolean;
  /** Cache-Control: no-transform (RFC 9111 5.2.2.6): no intermediary may change the body. */
  noTransform: boolean;
};

// The statuses nginx's gzip filter compresses.
const compressedStatuses = new Set([200, 403, 404]);

export function compressibleStatus(status: number): boolean {
  return compressedStatuses.has(status);
}

export function readHead(lines: string): HeadFacts {
  const facts: HeadFacts = { contentType: '', contentLength: -1, encoded: false, ranged: false, noTransform: false };
  for (const line of lines.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    switch (name) {
      case 'content-type':
        facts.contentType = value;
        break;
      case 'content-length': {
        const n = Number(value);
        facts.contentLength = value !== '' && Number.isSafeInteger(n) && n >= 0 ? n : -1;
        break;
      }
      case 'content-encoding':
        if (value !== '') facts.encoded = true;
        break;
      case 'content-range':
        facts.ranged = true;
        break;
      case 'cache-control':
        if (/(?:^|[\s,])no-transform(?:$|[\s,])/i.test(value)) facts.noTransform = true;
        break;
    }
  }
  return facts;
}

/**
 * The lines with `Accept-Encoding` in Vary: added to the first Vary line, or as a line of its
 * own; unchanged when Vary names it already or is `*`.
 */
export function withVary(lines: string): string {
  const vary = /^vary:([^\r]*)\r\n/gim;
  let first: RegExpExecArray | null = null;
  for (let m = vary.exec(lines); m !== null; m = vary.exec(lines)) {
    if (/(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i.test(m[1] as string)) return lines;
    first ??= m;
  }
  if (first === null) return `${lines}vary: Accept-Encoding\r\n`;
  const end = first.index + first[0].length - 2;
  const value = (first[1] as string).trim();
  return `${lines.slice(0, end - (first[1] as string).length)}${value === '' ? ' ' : ` ${value}, `}Accept-Encoding${lines.slice(end)}`;
}

/**
 * The head of the compressed response: no Content-Length (the length is not known before the
 * end), the coding in Content-Encoding, Vary, and the ETag weak (the bytes differ from the
 * uncompressed ones'; an ETag that is not a quoted string is dropped, as nginx does).
 */
export function compressedHead(lines: string, encoding: string): string {
  let out = '';
  for (const line of lines.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).toLowerCase();
    if (name === 'content-length') continue;
    if (name === 'etag') {
      const value = line.slice(colon + 1).trim();
      if (value.startsWith('W/')) out += `${line}\r\n`;
      else if (value.startsWith('"')) out += `${line.slice(0, colon)}: W/${value}\r\n`;
      continue;
    }
    out += `${line}\r\n`;
  }
  return withVary(`${out}content-encoding: ${encoding}\r\n`);
}
