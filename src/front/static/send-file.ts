// Answering for one file: which representation (the file, a precompressed `.br`/`.gz`
// sibling, or a compressed variant made once and cached), then the preconditions (412, 304),
// the ranges (206, multipart, 416), the head, and the body from memory or from disk. Each
// step that needs I/O continues when it is done; a hot file needs none.

import type { Encoding } from '../compress/accept-encoding.ts';
import { chooseEncoding } from '../compress/accept-encoding.ts';
import { compressingChannel } from '../compress/compressing-channel.ts';
import { levelOf, offerFor } from '../compress/settings.ts';
import { sendError } from '../error-response.ts';
import type { ClientRequest } from '../request.ts';
import { evaluatePreconditions, ifRangeHolds, readPreconditions } from './conditional.ts';
import type { Preconditions } from './conditional.ts';
import { closeQuietly, fstatAsync, openAsync } from './file-body.ts';
import { sameFile, statOf } from './file-info.ts';
import type { FileEntry, FileInfo } from './file-info.ts';
import { FileTransfer } from './file-sender.ts';
import type { Segment } from './file-sender.ts';
import { planMultipart } from './multipart.ts';
import { parseRange } from './range.ts';
import type { ByteRange } from './range.ts';
import { findFile, lookupAt } from './static-site.ts';
import type { StaticSite } from './static-site.ts';
import { after, failed } from './pending.ts';
import type { Watch } from './pending.ts';

/** What will be sent, once the metadata is known. */
type Plan = {
  /** The file whose bytes are sent: the asked one or a precompressed sibling. */
  rep: FileEntry;
  /** Its cache key. */
  repKey: string;
  contentType: string;
  /** Content-Encoding of `rep` (a sibling), or of the compressed variant. */
  encoding: Encoding | null;
  /** The body is compressed here (from the cached body) rather than read from a sibling. */
  onTheFly: boolean;
  /** The compression filter may compress it as it streams (a large compressible file). */
  filter: boolean;
  vary: boolean;
  etag: string;
  /** null: the whole representation. */
  ranges: ByteRange[] | null;
};

// A file that changes under every attempt to send it is given up on.
const maxAttempts = 3;

export function sendFile(request: ClientRequest, site: StaticSite, key: string, info: FileEntry, watch: Watch): void {
  respond(request, site, key, info, watch, readPreconditions(request.headers), 0);
}

function respond(request: ClientRequest, site: StaticSite, key: string, info: FileEntry, watch: Watch, pre: Preconditions, attempt: number): void {
  if (attempt >= maxAttempts) {
    sendError(request, 503, 'the file changed during every attempt to send it', { 'retry-after': '1' });
    return;
  }
  const location = site.location;
  // Looked up whatever the client accepts: a file with siblings varies by Accept-Encoding.
  if (!location.gzipStatic && !location.brotliStatic) {
    decide(request, site, key, info, null, null, watch, pre, attempt);
    return;
  }
  const br = location.brotliStatic ? sibling(site, key, info, '.br') : null;
  const gz = location.gzipStatic ? sibling(site, key, info, '.gz') : null;
  if (br instanceof Promise || gz instanceof Promise) {
    Promise.all([br, gz]).then(
      ([b, g]) => {
        if (!watch.gone) decide(request, site, key, info, b, g, watch, pre, attempt);
      },
      (error: unknown) => failed(request, error),
    );
    return;
  }
  decide(request, site, key, info, br, gz, watch, pre, attempt);
}

/** `FILE.br` / `FILE.gz` if it is a file; what is missing is remembered too (it is asked for on every request). */
function sibling(site: StaticSite, key: string, info: FileEntry, suffix: string): FileEntry | null | Promise<FileEntry | null> {
  const found = findFile(site, key + suffix, info.file + suffix, true);
  const pick = (i: FileInfo): FileEntry | null => (i.kind === 'file' ? i : null);
  return found instanceof Promise ? found.then(pick) : pick(found);
}

function decide(
  request: ClientRequest,
  site: StaticSite,
  key: string,
  info: FileEntry,
  br: FileEntry | null,
  gz: FileEntry | null,
  watch: Watch,
  pre: Preconditions,
  attempt: number,
): void {
  const plan = makePlan(request, site, key, info, br, gz, pre);
  const rep = plan.rep;
  const validators = { etag: plan.etag, mtime: rep.stat.mtimeMs };
  const condition = evaluatePreconditions(pre, validators);
  const channel = request.channel;
  if (condition === 412) {
    sendError(request, 412, 'the file does not match If-Match or If-Unmodified-Since');
    return;
  }
  if (condition === 304) {
    channel.writeHead(request, 304, 'Not Modified', validatorLines(site, plan), 'none', false);
    channel.endResponse(request);
    return;
  }
  if (pre.range !== undefined && !plan.onTheFly && ifRangeHolds(pre.ifRange, validators)) {
    const decision = parseRange(pre.range, rep.stat.size);
    if (decision.kind === 'unsatisfiable') {
      sendError(request, 416, 'no range of the request is within the file', { 'content-range': `bytes */${rep.stat.size}` });
      return;
    }
    if (decision.kind === 'ranges') plan.ranges = decision.ranges;
  }
  if (request.method === 'HEAD') {
    writeHead(request, site, plan, rep.stat.size);
    channel.endResponse(request);
    return;
  }
  if (plan.onTheFly) {
    withIdentityBody(request, site, key, info, watch, pre, attempt, (body) => {
      const encoding = plan.encoding as Encoding;
      const compression = site.compression;
      if (compression === null) return;
      after(site.cache.compressed(key, info, body, encoding, levelOf(compression, encoding)), request, watch, (compressed) => {
        writeHead(request, site, plan, compressed.length);
        writeMemory(request, [compressed]);
      });
    });
    return;
  }
  if (rep.body !== null) {
    sendFromMemory(request, site, plan, rep.body);
    return;
  }
  if (rep.stat.size <= site.cache.settings.maxBody) {
    after(site.cache.withBody(plan.repKey, rep), request, watch, (loaded) => {
      if (loaded.kind !== 'file') {
        notServed(request, loaded);
        return;
      }
      if (!sameFile(loaded.stat, rep.stat)) {
        respond(request, site, key, rep === info ? loaded : info, watch, pre, attempt + 1);
        return;
      }
      if (loaded.body !== null) sendFromMemory(request, site, plan, loaded.body);
      else sendFromDisk(request, site, key, info, plan, watch, pre, attempt);
    });
    return;
  }
  sendFromDisk(request, site, key, info, plan, watch, pre, attempt);
}

function makePlan(request: ClientRequest, site: StaticSite, key: string, info: FileEntry, br: FileEntry | null, gz: FileEntry | null, pre: Preconditions): Plan {
  const contentType = site.contentType(info.file);
  const plan: Plan = { rep: info, repKey: key, contentType, encoding: null, onTheFly: false, filter: false, vary: false, etag: info.etag, ranges: null };
  if (br !== null || gz !== null) {
    plan.vary = true;
    // As gzip_static: HTTP/1.0 clients get the file (nginx's gzip_http_version 1.1).
    const encoding = request.versionMinor < 1 ? null : chooseEncoding(pre.acceptEncoding, { br: br !== null, gzip: gz !== null });
    if (encoding !== null) {
      const chosen = (encoding === 'br' ? br : gz) as FileEntry;
      plan.rep = chosen;
      plan.repKey = key + (encoding === 'br' ? '.br' : '.gz');
      plan.encoding = encoding;
      plan.etag = chosen.etag;
    }
    return plan;
  }
  const compression = site.compression;
  if (compression === null) return plan;
  const size = info.stat.size;
  const offer = offerFor(compression, contentType, size);
  if (!offer.br && !offer.gzip) return plan;
  // Compressible: caches must keep the variants apart, whatever this client accepts.
  plan.vary = true;
  // As the compression filter: not for HTTP/1.0, HEAD, or a range.
  if (request.versionMinor < 1 || request.method === 'HEAD' || pre.range !== undefined) return plan;
  const encoding = chooseEncoding(pre.acceptEncoding, offer);
  if (encoding === null) return plan;
  if (size <= site.cache.settings.maxBody) {
    plan.onTheFly = true;
    plan.encoding = encoding;
    // The bytes differ from the file's: a weak ETag, as nginx's gzip filter makes it.
    plan.etag = `W/${info.etag}`;
  } else {
    // Too large to hold: compressed as it streams, each time (as nginx does).
    plan.filter = true;
  }
  return plan;
}

/** ETag, Last-Modified, Vary and the expires lines: what a 304 repeats of the 200. */
function validatorLines(site: StaticSite, plan: Plan): string {
  let lines = `etag: ${plan.etag}\r\nlast-modified: ${plan.rep.lastModified}\r\n`;
  if (plan.vary) lines += 'vary: Accept-Encoding\r\n';
  return lines + site.expiresLines();
}

// The head of a 200 or 206 whose body is `length` bytes (the whole representation, or what
// `plan.ranges` selects of it).
function writeHead(request: ClientRequest, site: StaticSite, plan: Plan, length: number): Segment[] | null {
  const ranges = plan.ranges;
  let lines: string;
  let status = 200;
  let segments: Segment[] | null = null;
  if (ranges === null) {
    lines = `content-type: ${plan.contentType}\r\ncontent-length: ${length}\r\n`;
  } else if (ranges.length === 1) {
    const r = ranges[0] as ByteRange;
    status = 206;
    lines = `content-type: ${plan.contentType}\r\ncontent-length: ${r.end - r.start + 1}\r\ncontent-range: bytes ${r.start}-${r.end}/${length}\r\n`;
    segments = [r];
  } else {
    const multipart = planMultipart(ranges, length, plan.contentType);
    status = 206;
    lines = `content-type: ${multipart.contentType}\r\ncontent-length: ${multipart.length}\r\n`;
    segments = [];
    ranges.forEach((r, i) => (segments as Segment[]).push(multipart.heads[i] as Buffer, r));
    segments.push(multipart.tail);
  }
  if (plan.encoding !== null) lines += `content-encoding: ${plan.encoding}\r\n`;
  lines += validatorLines(site, plan);
  // Ranges are of the bytes sent; a body compressed here has no stable bytes to range over.
  if (!plan.onTheFly && !plan.filter) lines += 'accept-ranges: bytes\r\n';
  request.channel.writeHead(request, status, status === 200 ? 'OK' : 'Partial Content', lines, 'length', false);
  return segments;
}

function sendFromMemory(request: ClientRequest, site: StaticSite, plan: Plan, body: Buffer): void {
  const channel = request.channel;
  channel.cork();
  const segments = writeHead(request, site, plan, body.length);
  writeMemory(request, segments === null ? [body] : segments.map((s) => (Buffer.isBuffer(s) ? s : body.subarray(s.start, s.end + 1))));
  channel.uncork();
}

function writeMemory(request: ClientRequest, parts: readonly Buffer[]): void {
  const channel = request.channel;
  // The bytes are held by the cache already: the channel may queue them all (it keeps
  // references, not copies), so there is nothing to wait for.
  for (const part of parts) if (part.length > 0) channel.writeBody(part);
  channel.endResponse(request);
}

// Large files (or the cache off): opened for this request; the bytes come from the inode
// opened, checked against what the head promised.
function sendFromDisk(request: ClientRequest, site: StaticSite, key: string, info: FileEntry, plan: Plan, watch: Watch, pre: Preconditions, attempt: number): void {
  const rep = plan.rep;
  openAsync(rep.file).then(
    async (fd) => {
      let stat;
      try {
        stat = statOf(await fstatAsync(fd));
      } catch (error) {
        closeQuietly(fd);
        throw error;
      }
      if (watch.gone) {
        closeQuietly(fd);
        return;
      }
      if (!sameFile(stat, rep.stat)) {
        // Changed since it was looked up: look again, and decide again with what is there now.
        closeQuietly(fd);
        if (rep !== info) await site.cache.lookup(plan.repKey, lookupAt(site, plan.repKey, rep.file), true);
        const fresh = await site.cache.lookup(key, lookupAt(site, key, info.file));
        if (watch.gone) return;
        if (fresh.kind !== 'file') {
          notServed(request, fresh);
          return;
        }
        respond(request, site, key, fresh, watch, pre, attempt + 1);
        return;
      }
      if (plan.filter && site.compression !== null) request.channel = compressingChannel(request.channel, request, site.compression);
      const segments = writeHead(request, site, plan, rep.stat.size) ?? [{ start: 0, end: rep.stat.size - 1 }];
      new FileTransfer(request, fd, rep.stat, segments).start();
    },
    (error: NodeJS.ErrnoException) => {
      if (watch.gone) return;
      const code = error.code;
      sendError(request, code === 'EACCES' || code === 'EPERM' ? 403 : code === 'ENOENT' || code === 'ENOTDIR' ? 404 : 500, 'the file cannot be opened');
    },
  ).catch((error: unknown) => failed(request, error));
}

// The identity body of `info` in memory (for compressing it once); a file that changed
// meanwhile is planned again.
function withIdentityBody(request: ClientRequest, site: StaticSite, key: string, info: FileEntry, watch: Watch, pre: Preconditions, attempt: number, then: (body: Buffer) => void): void {
  if (info.body !== null) {
    then(info.body);
    return;
  }
  after(site.cache.withBody(key, info), request, watch, (loaded) => {
    if (loaded.kind !== 'file') {
      notServed(request, loaded);
      return;
    }
    if (!sameFile(loaded.stat, info.stat) || loaded.body === null) {
      respond(request, site, key, loaded, watch, pre, attempt + 1);
      return;
    }
    then(loaded.body);
  });
}

// What was a file is not one any more (gone, refused, or now a directory).
function notServed(request: ClientRequest, info: FileInfo): void {
  sendError(request, info.kind === 'missing' && info.status === 403 ? 403 : 404, 'no such file');
}
