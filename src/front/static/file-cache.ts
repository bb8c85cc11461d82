// The open-file cache (nginx's open_file_cache, with lru-cache): what lookups learned about
// files, the bodies of small files, and their compressed variants, bounded in entries and in
// bytes. What it knows of a file is trusted for `valid` ms, then checked with one stat; an
// entry not asked for within `inactive` is dropped. With the cache off the same object does
// every lookup afresh and keeps nothing, so the handler has one path.

import { LRUCache } from 'lru-cache';
import type { Encoding } from '../compress/accept-encoding.ts';
import { compressBuffer } from '../compress/encoder.ts';
import { readWholeFile } from './file-body.ts';
import { lookupFile, sameFile } from './file-info.ts';
import type { FileEntry, FileInfo, Lookup } from './file-info.ts';

export type CacheSettings = {
  /** Entries at most; 0: the cache is off. */
  max: number;
  inactive: number;
  /** Bytes of bodies (and compressed variants) at most. */
  memory: number;
  /** Larger files are never held in memory. */
  maxBody: number;
  valid: number;
  /** Whether missing files are remembered too. */
  errors: boolean;
};

type Variant = { kind: 'variant'; body: Buffer; source: string };
type Entry = FileInfo | Variant;

// What an entry costs besides its body: the object, its key and path, twice.
const entryOverhead = 256;

export class FileCache {
  readonly settings: CacheSettings;
  readonly #lru: LRUCache<string, Entry> | null;
  readonly #pending = new Map<string, Promise<FileInfo>>();
  readonly #compressing = new Map<string, Promise<Buffer>>();

  constructor(settings: CacheSettings) {
    this.settings = settings;
    this.#lru =
      settings.max === 0
        ? null
        : new LRUCache<string, Entry>({
            max: settings.max,
            maxSize: Math.max(1, settings.memory + settings.max * entryOverhead),
            sizeCalculation: (e, key) => entryOverhead + key.length * 2 + bodySize(e),
            ttl: settings.inactive,
            updateAgeOnGet: true,
          });
    // Inactive entries are dropped when next asked for; this frees the memory of those never asked for again.
    if (this.#lru !== null) setInterval(() => this.#lru?.purgeStale(), Math.max(1000, settings.inactive)).unref();
  }

  /** What is known of the path without any I/O, if it is still valid. */
  peek(key: string, now: number): FileInfo | undefined {
    const entry = this.#lru?.get(key);
    if (entry === undefined || entry.kind === 'variant') return undefined;
    return now - entry.checkedAt < this.settings.valid ? entry : undefined;
  }

  /** The path looked up (again, once `valid` has passed); concurrent lookups share one. */
  lookup(key: string, l: Lookup, keepMissing = this.settings.errors): Promise<FileInfo> {
    const running = this.#pending.get(key);
    if (running !== undefined) return running;
    const promise = lookupFile(l).then((info) => {
      this.#pending.delete(key);
      this.#store(key, info, keepMissing);
      return info;
    });
    this.#pending.set(key, promise);
    return promise;
  }

  #store(key: string, info: FileInfo, keepMissing: boolean): void {
    const lru = this.#lru;
    if (lru === null) return;
    if (info.kind === 'missing' && !keepMissing) {
      lru.delete(key);
      return;
    }
    const old = lru.peek(key);
    // Unchanged on disk: the body read before is still the file's.
    if (old !== undefined && old.kind === 'file' && info.kind === 'file' && old.body !== null && sameFile(old.stat, info.stat)) {
      info.body = old.body;
    }
    // A body larger than the whole cache would make lru-cache drop the entry, metadata and
    // all: keep what is known of the file without it.
    lru.set(key, info.kind === 'file' && info.body !== null && info.body.length > this.settings.memory ? { ...info, body: null } : info);
  }

  /**
   * The file with its body in memory when it is small enough (else as it is). The body and
   * the validators come from the same open file; if the file changed since `info`, the
   * returned info is the new one.
   */
  async withBody(key: string, info: FileEntry): Promise<FileInfo> {
    if (info.body !== null || info.stat.size > this.settings.maxBody) return info;
    const loadKey = `${key}\0body`;
    let loading = this.#pending.get(loadKey);
    if (loading === undefined) {
      loading = readWholeFile(info.file, this.settings.maxBody).then((read) => {
        this.#pending.delete(loadKey);
        if (read.kind !== 'file') return read;
        const current = this.#lru?.peek(key);
        // Keep the checkedAt of what the cache knows: reading a body is not a revalidation.
        if (current !== undefined && current.kind === 'file' && sameFile(current.stat, read.stat)) read.checkedAt = current.checkedAt;
        this.#store(key, read, false);
        return read;
      });
      this.#pending.set(loadKey, loading);
    }
    return loading;
  }

  /** The body compressed, made once per file version and kept beside it. */
  compressed(key: string, info: FileEntry, body: Buffer, encoding: Encoding, level: number): Buffer | Promise<Buffer> {
    const variantKey = `${key}\0${encoding}${level}`;
    const known = this.#lru?.get(variantKey);
    if (known !== undefined && known.kind === 'variant' && known.source === info.etag) return known.body;
    const running = this.#compressing.get(variantKey);
    if (running !== undefined) return running;
    const promise = compressBuffer(body, encoding, level).then(
      (compressed) => {
        this.#compressing.delete(variantKey);
        this.#lru?.set(variantKey, { kind: 'variant', body: compressed, source: info.etag });
        return compressed;
      },
      (error: unknown) => {
        this.#compressing.delete(variantKey);
        throw error;
      },
    );
    this.#compressing.set(variantKey, promise);
    return promise;
  }
}

function bodySize(entry: Entry): number {
  if (entry.kind === 'variant') return entry.body.length;
  return entry.kind === 'file' && entry.body !== null ? entry.body.length : 0;
}

// Blocks with the same settings share a cache, as nginx's locations share the cache they
// inherit.
const caches = new Map<string, FileCache>();

export function cacheFor(settings: CacheSettings): FileCache {
  const id = JSON.stringify(settings);
  let cache = caches.get(id);
  if (cache === undefined) {
    cache = new FileCache(settings);
    caches.set(id, cache);
  }
  return cache;
}
