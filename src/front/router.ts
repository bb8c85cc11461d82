// Request → server → location, chosen as nginx does. Everything that can be worked out once
// (name tables, sorted prefixes, compiled expressions) is, at start-up.

import type { LocationConfig, ServerConfig } from '../config/types.ts';
import { listenKey } from '../master/listeners.ts';

type LocationTable = {
  exact: Map<string, LocationConfig>;
  /** Longest first. */
  prefixes: LocationConfig[];
  regexes: Array<[RegExp, LocationConfig]>;
};

type ServerEntry = { server: ServerConfig; locations: LocationTable };

export type AddressRouter = (host: string | undefined, path: string) => { server: ServerConfig; location: LocationConfig | null };

/** The router of one listening address: the servers that listen on it, by name. */
export function buildAddressRouter(servers: readonly ServerConfig[], key: string): AddressRouter {
  const entries: ServerEntry[] = [];
  let fallback: ServerEntry | null = null;
  for (const server of servers) {
    const listen = server.listen.find((l) => listenKey(l) === key);
    if (listen === undefined) continue;
    const entry = { server, locations: buildLocationTable(server.locations) };
    entries.push(entry);
    if (listen.defaultServer && fallback === null) fallback = entry;
  }
  const first = entries[0];
  if (first === undefined) throw new Error(`no server listens on ${key}`);
  const byDefault = fallback ?? first;
  const exactNames = new Map<string, ServerEntry>();
  const wildcards: Array<[string, ServerEntry]> = [];
  const patterns: Array<[RegExp, ServerEntry]> = [];
  for (const entry of entries) {
    for (const name of entry.server.serverNames) {
      if (name.startsWith('~')) patterns.push([new RegExp(name.slice(1), 'i'), entry]);
      else if (name.startsWith('*.')) wildcards.push([name.slice(1).toLowerCase(), entry]);
      else if (!exactNames.has(name.toLowerCase())) exactNames.set(name.toLowerCase(), entry);
    }
  }
  // Longest wildcard first, as nginx prefers the most specific.
  wildcards.sort((a, b) => b[0].length - a[0].length);
  const cache = new Map<string, ServerEntry>();

  const serverFor = (host: string | undefined): ServerEntry => {
    if (host === undefined || entries.length === 1) return entries.length === 1 ? first : byDefault;
    const cached = cache.get(host);
    if (cached !== undefined) return cached;
    const name = stripPort(host).toLowerCase();
    let found = exactNames.get(name);
    if (found === undefined) found = wildcards.find(([suffix]) => name.endsWith(suffix))?.[1];
    if (found === undefined) found = patterns.find(([re]) => re.test(name))?.[1];
    const result = found ?? byDefault;
    if (cache.size < 1024) cache.set(host, result);
    return result;
  };

  return (host, path) => {
    const entry = serverFor(host);
    return { server: entry.server, location: matchLocation(entry.locations, path) };
  };
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function buildLocationTable(locations: readonly LocationConfig[]): LocationTable {
  const table: LocationTable = { exact: new Map(), prefixes: [], regexes: [] };
  for (const location of locations) {
    // Named locations (`@app`) are reached only by try_files, never by a path.
    if (location.path.startsWith('@')) continue;
    if (location.modifier === '=') table.exact.set(location.path, location);
    else if (location.modifier === '~' || location.modifier === '~*') {
      table.regexes.push([new RegExp(location.path, location.modifier === '~*' ? 'i' : ''), location]);
    } else table.prefixes.push(location);
  }
  table.prefixes.sort((a, b) => b.path.length - a.path.length);
  return table;
}

/** nginx's order: exact; longest prefix (`^~` stops there); regexes in order; that prefix. */
export function matchLocation(table: LocationTable, path: string): LocationConfig | null {
  const exact = table.exact.get(path);
  if (exact !== undefined) return exact;
  let prefix: LocationConfig | null = null;
  for (const location of table.prefixes) {
    if (path.startsWith(location.path)) {
      prefix = location;
      break;
    }
  }
  if (prefix !== null && prefix.modifier === '^~') return prefix;
  for (const [re, location] of table.regexes) if (re.test(path)) return location;
  return prefix;
}

/** The server's named location `@name` (try_files' last entry), or null. */
export function namedLocation(server: ServerConfig, name: string): LocationConfig | null {
  return server.locations.find((l) => l.path === `@${name}`) ?? null;
}
