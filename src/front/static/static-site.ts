// What a static location needs per request, made once at start-up from its configuration:
// where its files are, its cache, its types, compression, and its Cache-Control lines.

import type { Expires, LocationConfig } from '../../config/types.ts';
import { compressionSettings } from '../compress/settings.ts';
import type { CompressionSettings } from '../compress/settings.ts';
import { typeResolver } from './content-type.ts';
import type { TypeResolver } from './content-type.ts';
import { cacheFor } from './file-cache.ts';
import type { FileCache } from './file-cache.ts';
import type { FileInfo, Lookup } from './file-info.ts';
import { fileBase } from './path-map.ts';
import type { FileBase } from './path-map.ts';

export type StaticSite = {
  readonly location: LocationConfig;
  readonly base: FileBase;
  readonly cache: FileCache;
  readonly contentType: TypeResolver;
  readonly compression: CompressionSettings | null;
  /** The start of each cache key: what besides the path decides a lookup's answer. */
  readonly keyPrefix: string;
  /** `cache-control` and `expires` lines for the responses `expires` applies to ('' when off). */
  readonly expiresLines: () => string;
};

/** How the file with this cache key is looked up (the key is the prefix and the path below the base). */
export function lookupAt(site: StaticSite, key: string, file: string): Lookup {
  const location = site.location;
  return { file, dir: site.base.dir, rel: key.slice(site.keyPrefix.length), policy: location.disableSymlinks, dotfiles: location.dotfiles };
}

/** What is known of the file with this key: from the cache without I/O when it can be, else looked up. */
export function findFile(site: StaticSite, key: string, file: string, keepMissing?: boolean): FileInfo | Promise<FileInfo> {
  return site.cache.peek(key, Date.now()) ?? site.cache.lookup(key, lookupAt(site, key, file), keepMissing);
}

/** The static side of a location, or null when it has neither root nor alias. */
export function staticSite(location: LocationConfig): StaticSite | null {
  const dir = location.alias ?? location.root;
  if (dir === null) return null;
  const base = fileBase(location.alias !== null ? 'alias' : 'root', dir, location.path);
  const cacheSettings = location.openFileCache;
  const cache = cacheFor({
    max: cacheSettings?.max ?? 0,
    inactive: cacheSettings?.inactive ?? 0,
    memory: location.openFileCacheMemory,
    maxBody: location.openFileCacheMaxBody,
    valid: location.openFileCacheValid,
    errors: location.openFileCacheErrors,
  });
  return {
    location,
    base,
    cache,
    contentType: typeResolver(location.types, location.defaultType),
    compression: compressionSettings(location),
    keyPrefix: `${location.disableSymlinks}${location.dotfiles ? '+' : '-'}${base.dir}\0`,
    expiresLines: expiresHeader(location.expires),
  };
}

const tenYears = 10 * 365 * 86_400;

/** The lines for `expires`, remade at most once a second (Expires is a date). */
function expiresHeader(expires: Expires): () => string {
  if (expires === null) return () => '';
  const seconds = expires === 'max' ? tenYears : Math.floor(expires / 1000);
  const cacheControl = expires === 'max' ? `cache-control: max-age=${seconds}, immutable\r\n` : `cache-control: max-age=${seconds}\r\n`;
  let second = -1;
  let lines = '';
  return () => {
    const now = Date.now();
    const current = Math.floor(now / 1000);
    if (current !== second) {
      second = current;
      lines = `${cacheControl}expires: ${new Date((current + seconds) * 1000).toUTCString()}\r\n`;
    }
    return lines;
  };
}
