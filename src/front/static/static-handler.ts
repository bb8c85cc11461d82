// The static content handler: a request path in a location with `root` or `alias` → a
// file, a directory's index (internal redirect) or listing, a redirect to a directory's slash
// form, or a refusal. Written against the request interface only, so it serves HTTP/1.x and
// HTTP/2 alike. Lookups go through the open-file cache; a hot file is answered without any
// I/O or promise.

import { sendError } from '../error-response.ts';
import type { ClientRequest } from '../request.ts';
import { listDirectory } from './autoindex.ts';
import type { FileInfo } from './file-info.ts';
import { failed, Watch } from './pending.ts';
import { sendFile } from './send-file.ts';
import { isRefusal, mapPath } from './path-map.ts';
import type { MappedPath } from './path-map.ts';
import { findFile } from './static-site.ts';
import type { StaticSite } from './static-site.ts';
import { runTryFiles } from './try-files.ts';

/** How the handler hands a request back to the router. */
export type Reroute = {
  /** Internal redirect: the request goes through the locations again with this path and query. */
  uri: (request: ClientRequest, uri: string, args: string) => void;
  /** try_files' `@name`. */
  named: (request: ClientRequest, name: string) => void;
};

/** Serves `uri` (normalised, decoded) with the query `args` (as received) from `site`. */
export function serveStatic(request: ClientRequest, site: StaticSite, uri: string, args: string, reroute: Reroute): void {
  const watch = new Watch();
  request.owner = watch;
  if (site.location.tryFiles !== null) {
    runTryFiles(request, site, uri, args, reroute, watch).catch((error: unknown) => failed(request, error));
    return;
  }
  serveUri(request, site, uri, args, reroute, watch);
}

/** The content phase proper, once try_files has chosen the path. */
export function serveUri(request: ClientRequest, site: StaticSite, uri: string, args: string, reroute: Reroute, watch: Watch): void {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') {
    sendError(request, 405, 'static files answer GET and HEAD only', { allow: 'GET, HEAD' });
    return;
  }
  const mapped = mapPath(site.base, uri, site.location.dotfiles);
  if (isRefusal(mapped)) {
    sendError(request, mapped.status, mapped.status === 400 ? `the path cannot name a file: ${mapped.reason}` : 'no such file');
    return;
  }
  const key = site.keyPrefix + mapped.rel;
  const info = findFile(site, key, mapped.file);
  if (info instanceof Promise) {
    info.then((i) => {
      if (!watch.gone) onInfo(request, site, uri, args, key, i, reroute, watch);
    }).catch((error: unknown) => failed(request, error));
    return;
  }
  onInfo(request, site, uri, args, key, info, reroute, watch);
}

function onInfo(request: ClientRequest, site: StaticSite, uri: string, args: string, key: string, info: FileInfo, reroute: Reroute, watch: Watch): void {
  switch (info.kind) {
    case 'missing':
      sendError(request, info.status, info.status === 404 ? 'no such file' : info.status === 403 ? 'the file may not be served' : 'the file cannot be read');
      return;
    case 'dir':
      if (!uri.endsWith('/')) {
        // As nginx: a directory is served at its slash form, so that relative links work.
        const query = args === '' ? '' : `?${args}`;
        request.channel.respond(request, 301, `location: ${encodePath(uri)}/${query}\r\n${site.expiresLines()}`, '');
        return;
      }
      serveDirectory(request, site, uri, args, reroute, watch).catch((error: unknown) => failed(request, error));
      return;
    case 'file':
      sendFile(request, site, key, info, watch);
      return;
  }
}

// `index` names, in order: the first that is a file is served by an internal redirect (it
// may match another location, as in nginx); else a listing or 403.
async function serveDirectory(request: ClientRequest, site: StaticSite, uri: string, args: string, reroute: Reroute, watch: Watch): Promise<void> {
  const location = site.location;
  for (const name of location.index) {
    if (name.startsWith('/')) {
      request.owner = null;
      reroute.uri(request, name, args);
      return;
    }
    const candidate = uri + name;
    const mapped = mapPath(site.base, candidate, location.dotfiles);
    if (isRefusal(mapped)) continue;
    const candidateKey = site.keyPrefix + mapped.rel;
    const info = await findFile(site, candidateKey, mapped.file);
    if (watch.gone) return;
    if (info.kind === 'file') {
      request.owner = null;
      reroute.uri(request, candidate, args);
      return;
    }
  }
  if (!location.autoindex) {
    sendError(request, 403, 'the directory has no index file, and autoindex is off');
    return;
  }
  const mapped = mapPath(site.base, uri, location.dotfiles) as MappedPath;
  const page = await listDirectory(mapped.file, uri, location.dotfiles);
  if (watch.gone) return;
  request.channel.respond(request, 200, 'content-type: text/html; charset=utf-8\r\ncache-control: no-cache\r\n', page);
}

/** A decoded path as it may stand in a Location header or a request line: percent-encoded where it must be. */
export function encodePath(path: string): string {
  return encodeURI(path).replace(/[?#]/g, (c) => (c === '?' ? '%3F' : '%23'));
}
