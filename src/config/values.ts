// Argument parsers for directive values. Each throws InvalidValue with a message that says
// what was expected; the builder adds the file position and the directive name.

import net from 'node:net';

export class InvalidValue extends Error {}

const sizeUnits: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512`, `64k`, `10m`, `1g` (binary multiples, case-insensitive) → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(text);
  if (!m) throw new InvalidValue(`expected a size such as 512, 64k, 10m or 1g, got "${text}"`);
  const bytes = Number(m[1]) * (sizeUnits[(m[2] ?? '').toLowerCase()] ?? 1);
  if (!Number.isSafeInteger(bytes)) throw new InvalidValue(`size "${text}" is too large`);
  return bytes;
}

export function printSize(bytes: number): string {
  for (const [unit, factor] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes !== 0 && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

const durationUnits: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `500ms`, `30s`, `5m`, `1h`, `1d`, combined as in nginx (`1h30m`); a bare number is seconds. */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+(ms|s|m|h|d))+$/.test(text)) {
    throw new InvalidValue(`expected a duration such as 500ms, 30s, 5m or 1h, got "${text}"`);
  }
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) ms += Number(n) * (durationUnits[unit ?? 's'] ?? 0);
  if (!Number.isSafeInteger(ms)) throw new InvalidValue(`duration "${text}" is too large`);
  return ms;
}

export function printDuration(ms: number): string {
  for (const [unit, factor] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms !== 0 && ms % factor === 0) return `${ms / factor}${unit}`;
  }
  return `${ms}ms`;
}

export function parseInteger(text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new InvalidValue(`expected a whole number, got "${text}"`);
  const n = Number(text);
  // A directive without an upper limit takes up to Number.MAX_SAFE_INTEGER: not a number to show.
  const unbounded = max >= Number.MAX_SAFE_INTEGER;
  if (n > max && unbounded) throw new InvalidValue(`number "${text}" is too large`);
  if (n < min || n > max) {
    throw new InvalidValue(`expected a number ${unbounded ? `of at least ${min}` : `from ${min} to ${max}`}, got ${text}`);
  }
  return n;
}

export function parseChoice<T extends string>(text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new InvalidValue(`expected ${listChoices(choices)}, got "${text}"`);
}

export function listChoices(choices: readonly string[]): string {
  if (choices.length <= 2) return choices.join(' or ');
  return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

export function parseSwitch(text: string): boolean {
  return parseChoice(text, ['on', 'off']) === 'on';
}

export type Listen = {
  /** Address to bind; `0.0.0.0` for all IPv4, `::` for all IPv6. Empty for a Unix socket. */
  host: string;
  port: number;
  /** Path of a Unix socket (`listen unix:/run/edge.sock`), or null for TCP. */
  path: string | null;
  ssl: boolean;
  http2: boolean;
  defaultServer: boolean;
  /** Where the directive stands, for errors at bind time. */
  source: string;
};

const listenFlags = ['ssl', 'http2', 'default_server'] as const;

/** `80`, `127.0.0.1:8080`, `[::1]:443`, `*:80`, `unix:/path`, then flags. */
export function parseListen(args: readonly string[], source: string): Listen {
  const [address = '', ...flags] = args;
  const listen: Listen = { host: '0.0.0.0', port: 0, path: null, ssl: false, http2: false, defaultServer: false, source };
  if (address.startsWith('unix:')) {
    const socketPath = address.slice(5);
    if (socketPath === '') throw new InvalidValue('expected a socket path after "unix:"');
    listen.host = '';
    listen.path = socketPath;
  } else {
    const m = /^(?:(\*|\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d+)$/.exec(address);
    if (!m) {
      throw new InvalidValue(`expected PORT, ADDRESS:PORT, [IPv6]:PORT or unix:PATH, got "${address}"`);
    }
    const host = m[1] ?? '*';
    listen.port = parsePort(m[2] ?? '');
    listen.host = host === '*' ? '0.0.0.0' : host.startsWith('[') ? host.slice(1, -1) : host;
    if (host.startsWith('[') && net.isIPv6(listen.host) === false) {
      throw new InvalidValue(`"${host}" is not an IPv6 address`);
    }
  }
  for (const flag of flags) {
    const f = parseChoice(flag, listenFlags);
    if (f === 'ssl') listen.ssl = true;
    else if (f === 'http2') listen.http2 = true;
    else listen.defaultServer = true;
  }
  return listen;
}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new InvalidValue(`expected a port from 0 to 65535, got "${text}"`);
  }
  return Number(text);
}

export function printListen(listen: Listen): string[] {
  const address =
    listen.path !== null
      ? `unix:${listen.path}`
      : `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  const flags: string[] = [];
  if (listen.ssl) flags.push('ssl');
  if (listen.http2) flags.push('http2');
  if (listen.defaultServer) flags.push('default_server');
  return [address, ...flags];
}

/** An address or a CIDR range: `10.0.0.0/8`, `::1`, `fd00::/8`. */
export function parseCidr(text: string): string {
  const [address = '', bits, ...rest] = text.split('/');
  const family = net.isIP(address);
  const max = family === 4 ? 32 : 128;
  if (family === 0 || rest.length > 0 || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > max))) {
    throw new InvalidValue(`expected an IP address or CIDR range such as 10.0.0.0/8 or ::1, got "${text}"`);
  }
  return text;
}

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseHeaderName(text: string): string {
  if (!headerName.test(text)) throw new InvalidValue(`"${text}" is not a valid HTTP header name`);
  return text;
}

/** A header value as it goes on the wire: no line breaks or other control characters but tab. */
export function parseHeaderValue(text: string): string {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(text)) throw new InvalidValue('a header value cannot contain line breaks or other control characters');
  return text;
}

const mediaTypePattern = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** `text/html` (any case, stored lower-case) or `*`: a type without parameters. */
export function parseMediaType(text: string): string {
  const type = text.toLowerCase();
  if (type !== '*' && !mediaTypePattern.test(type)) throw new InvalidValue(`expected a media type such as text/css, or *, got "${text}"`);
  return type;
}

// What a site's text is written in (gzip_types, brotli_types); images, fonts (woff, woff2)
// and archives are compressed already.
export const defaultCompressedTypes: readonly string[] = [
  'text/html',
  'text/css',
  'text/plain',
  'text/xml',
  'text/javascript',
  'application/javascript',
  'application/json',
  'application/manifest+json',
  'application/xml',
  'application/rss+xml',
  'application/atom+xml',
  'application/wasm',
  'image/svg+xml',
];

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=value` for an app's environment. */
export function parseEnvAssignment(text: string): [string, string] {
  const eq = text.indexOf('=');
  const name = eq === -1 ? text : text.slice(0, eq);
  if (eq === -1 || !envName.test(name)) {
    throw new InvalidValue(`expected NAME=value with NAME made of letters, digits and _, got "${text}"`);
  }
  return [name, text.slice(eq + 1)];
}
