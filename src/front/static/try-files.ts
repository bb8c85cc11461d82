// try_files, as nginx runs it: each name (with `$uri` and the other variables put in) is
// looked for under the location's root or alias, a name ending in `/` as a directory; the
// first found is served by this location with the path changed to it. If none is found, the
// last entry decides: an internal redirect to a URI, a status, or a named location.

import { sendError } from '../error-response.ts';
import type { ClientRequest } from '../request.ts';
import { isRefusal, mapPath } from './path-map.ts';
import type { Watch } from './pending.ts';
import { serveUri } from './static-handler.ts';
import type { Reroute } from './static-handler.ts';
import { findFile } from './static-site.ts';
import type { StaticSite } from './static-site.ts';

/** `$uri`, `$args`, `$query_string` and `$is_args` in `text`. */
export function expandTryFiles(text: string, uri: string, args: string): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$(uri|args|query_string|is_args)\b/g, (_, name: string) => (name === 'uri' ? uri : name === 'is_args' ? (args === '' ? '' : '?') : args));
}

export async function runTryFiles(request: ClientRequest, site: StaticSite, uri: string, args: string, reroute: Reroute, watch: Watch): Promise<void> {
  const tryFiles = site.location.tryFiles;
  if (tryFiles === null) return;
  for (const entry of tryFiles.files) {
    let name = expandTryFiles(entry, uri, args);
    // As nginx decides it from the entry as written: `$uri/` tests a directory, `$uri` a file.
    const directory = entry.endsWith('/');
    if (directory) name = name.slice(0, -1);
    if (name === '') name = '/';
    const mapped = mapPath(site.base, name, site.location.dotfiles);
    // A name edge would refuse to serve is one that does not exist.
    if (isRefusal(mapped)) continue;
    const key = site.keyPrefix + mapped.rel;
    const info = await findFile(site, key, mapped.file);
    if (watch.gone) return;
    if (directory ? info.kind === 'dir' : info.kind === 'file') {
      serveUri(request, site, name, args, reroute, watch);
      return;
    }
  }
  const fallback = tryFiles.fallback;
  switch (fallback.kind) {
    case 'code':
      if (fallback.status >= 400) sendError(request, fallback.status, 'no file of try_files exists');
      else request.channel.respond(request, fallback.status, '', '');
      return;
    case 'named':
      request.owner = null;
      reroute.named(request, fallback.name);
      return;
    case 'uri': {
      const target = expandTryFiles(fallback.uri, uri, args);
      const q = target.indexOf('?');
      request.owner = null;
      // A URI with its own query replaces the request's; without one, the request's stays (nginx).
      if (q === -1) reroute.uri(request, target, args);
      else reroute.uri(request, target.slice(0, q), target.slice(q + 1));
      return;
    }
  }
}
