// Request path → file path under `root` or `alias`, and the names that are never served.
// The path arrives normalised by request-path.ts (percent-decoded once, dot segments
// resolved, invalid UTF-8 and NUL refused); what is left to refuse is what only matters on a
// file system: backslashes, hidden files, Windows device and stream names, and nginx's
// alias-without-slash traversal (`location /i { alias /data/x; }` + `/i../etc`).

/** Where a location's files are: `root` appends the whole path, `alias` replaces the prefix. */
export type FileBase = { kind: 'root' | 'alias'; dir: string; prefix: string };

/** A file path and the part of it below the base (`` or starting with `/`). */
export type MappedPath = { file: string; dir: string; rel: string };

/** 400 (a path no file system should see) or 404 (a name edge never serves). */
export type Refusal = { status: 400 | 404; reason: string };

// Names Windows maps to devices whatever their extension (`con.txt` is the console).
const deviceName = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

export function fileBase(kind: 'root' | 'alias', dir: string, prefix: string): FileBase {
  // `alias /data/x/` and `alias /data/x` differ only in how the rest is appended; the
  // directory itself is the same. A root of `/` stays `` so that `/` + rel is the path.
  return { kind, dir: dir.endsWith('/') ? dir.slice(0, -1) : dir, prefix };
}

/** The file a request path names, or why it is refused. */
export function mapPath(base: FileBase, uri: string, dotfiles: boolean): MappedPath | Refusal {
  let rel: string;
  if (base.kind === 'root') {
    rel = uri;
  } else {
    if (!uri.startsWith(base.prefix)) return { status: 404, reason: 'the path is outside the alias' };
    rel = uri.slice(base.prefix.length);
    // `location /i/ { alias /x/; }`: the prefix took the slash; give it back.
    if (rel !== '' && !rel.startsWith('/')) {
      if (!base.prefix.endsWith('/')) return { status: 404, reason: 'the path continues the alias name' };
      rel = `/${rel}`;
    }
  }
  const refusal = checkSegments(rel, base.kind === 'root' || base.prefix === '/', dotfiles);
  if (refusal !== null) return refusal;
  return { file: base.dir + rel, dir: base.dir, rel };
}

/**
 * Checks each segment of `rel`. `fromStart`: rel's first segment is the request path's first
 * (only there is `.well-known` what RFC 8615 means).
 */
export function checkSegments(rel: string, fromStart: boolean, dotfiles: boolean): Refusal | null {
  if (rel.includes('\\')) return { status: 400, reason: 'a backslash is not a path separator here' };
  if (rel.includes('\0')) return { status: 400, reason: 'the path holds a NUL byte' };
  let start = 1;
  let index = 0;
  while (start <= rel.length) {
    let end = rel.indexOf('/', start);
    if (end === -1) end = rel.length;
    if (end > start) {
      const segment = rel.slice(start, end);
      const refusal = checkSegment(segment, fromStart && index === 0, dotfiles);
      if (refusal !== null) return refusal;
    }
    start = end + 1;
    index++;
  }
  return null;
}

function checkSegment(segment: string, first: boolean, dotfiles: boolean): Refusal | null {
  const c0 = segment.charCodeAt(0);
  if (c0 === 46 /* . */) {
    if (segment === '.' || segment === '..') return { status: 404, reason: 'a dot segment below the base' };
    if (!dotfiles && !(first && segment === '.well-known')) return { status: 404, reason: 'hidden files are not served (dotfiles off)' };
  }
  const last = segment.charCodeAt(segment.length - 1);
  // Windows drops a trailing dot or space (`a.txt.` is `a.txt`), reads `a::$DATA` as a
  // stream and `con` as a device; no web root needs such names, so they are refused wherever
  // edge runs.
  if (last === 46 || last === 32) return { status: 404, reason: 'a name ending in a dot or a space' };
  if (segment.includes('::') || segment.includes(':$')) return { status: 404, reason: 'an NTFS stream name' };
  if (deviceName.test(segment)) return { status: 404, reason: 'a Windows device name' };
  return null;
}

export function isRefusal(value: MappedPath | Refusal): value is Refusal {
  return 'status' in value;
}
