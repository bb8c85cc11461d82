// Conditional requests on a static representation (RFC 9110 13.2.2, in its order):
// If-Match, else If-Unmodified-Since (412); If-None-Match, else If-Modified-Since (304);
// If-Range decides whether a Range is honoured.

/** The request headers conditionals and ranges read (undefined when absent). */
export type Preconditions = {
  ifMatch: string | undefined;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  ifUnmodifiedSince: string | undefined;
  ifRange: string | undefined;
  range: string | undefined;
  acceptEncoding: string | undefined;
};

/** The validators of what would be sent: a quoted ETag (`"..."` or `W/"..."`) and mtime in ms. */
export type Validators = { etag: string; mtime: number };

/** Reads the headers of `headers` (name, value, ...) that static responses depend on, in one pass. */
export function readPreconditions(headers: readonly string[]): Preconditions {
  const p: Preconditions = {
    ifMatch: undefined,
    ifNoneMatch: undefined,
    ifModifiedSince: undefined,
    ifUnmodifiedSince: undefined,
    ifRange: undefined,
    range: undefined,
    acceptEncoding: undefined,
  };
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    // By length first: most request headers are none of these.
    switch (name.length) {
      case 5:
        if (name.toLowerCase() === 'range') p.range = p.range === undefined ? value : `${p.range},${value}`;
        break;
      case 8:
        if (name.toLowerCase() === 'if-match') p.ifMatch = join(p.ifMatch, value);
        else if (name.toLowerCase() === 'if-range') p.ifRange = value;
        break;
      case 13:
        if (name.toLowerCase() === 'if-none-match') p.ifNoneMatch = join(p.ifNoneMatch, value);
        break;
      case 15:
        if (name.toLowerCase() === 'accept-encoding') p.acceptEncoding = join(p.acceptEncoding, value);
        break;
      case 17:
        if (name.toLowerCase() === 'if-modified-since') p.ifModifiedSince = value;
        break;
      case 19:
        if (name.toLowerCase() === 'if-unmodified-since') p.ifUnmodifiedSince = value;
        break;
    }
  }
  return p;
}

function join(previous: string | undefined, value: string): string {
  return previous === undefined ? value : `${previous}, ${value}`;
}

/** 0 to go on, 304 (Not Modified) or 412 (Precondition Failed). Only GET and HEAD reach here. */
export function evaluatePreconditions(p: Preconditions, v: Validators): 0 | 304 | 412 {
  if (p.ifMatch !== undefined) {
    if (!matchesList(p.ifMatch, v.etag, true)) return 412;
  } else if (p.ifUnmodifiedSince !== undefined) {
    const date = Date.parse(p.ifUnmodifiedSince);
    // An invalid date is ignored (RFC 9110 13.1.4).
    if (!Number.isNaN(date) && seconds(v.mtime) > seconds(date)) return 412;
  }
  if (p.ifNoneMatch !== undefined) {
    if (matchesList(p.ifNoneMatch, v.etag, false)) return 304;
  } else if (p.ifModifiedSince !== undefined) {
    const date = Date.parse(p.ifModifiedSince);
    // Not modified since: the file is no newer than the date (RFC 9110; nginx's
    // `if_modified_since before`, where nginx's default asks for the exact date).
    if (!Number.isNaN(date) && seconds(v.mtime) <= seconds(date)) return 304;
  }
  return 0;
}

/** Whether a Range is honoured under If-Range: a strong ETag that matches, or the exact Last-Modified date. */
export function ifRangeHolds(ifRange: string | undefined, v: Validators): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return strongMatch(value, v.etag);
  const date = Date.parse(value);
  return !Number.isNaN(date) && seconds(date) === seconds(v.mtime);
}

/** `*`, or a comma-separated list of entity tags, against the current one. */
export function matchesList(list: string, etag: string, strong: boolean): boolean {
  const trimmed = list.trim();
  if (trimmed === '*') return true;
  for (const tag of splitTags(trimmed)) {
    if (strong ? strongMatch(tag, etag) : weakMatch(tag, etag)) return true;
  }
  return false;
}

// Entity tags hold no commas inside their quotes in practice, but the grammar allows them.
function splitTags(list: string): string[] {
  const tags: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      tags.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  tags.push(list.slice(start).trim());
  return tags.filter((t) => t !== '');
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

function weakMatch(a: string, b: string): boolean {
  return opaque(a) === opaque(b);
}

function strongMatch(a: string, b: string): boolean {
  return !a.startsWith('W/') && !b.startsWith('W/') && a === b;
}

// HTTP dates have whole seconds.
function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
