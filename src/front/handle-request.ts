// What happens to a request once a protocol has read its head, for HTTP/1.x and HTTP/2
// alike (nginx's phases): checks that do not depend on the route, the router (server by
// address and Host, then location), the access checks, and the content handler (`return`,
// static files, or the app through the proxy exchange).

import type { AddHeader, LocationConfig, ReturnAction, ServerConfig } from '../config/types.ts';
import { compressingChannel } from './compress/compressing-channel.ts';
import { compressionSettings } from './compress/settings.ts';
import type { CompressionSettings } from './compress/settings.ts';
import type { AppDispatcher } from './dispatcher.ts';
import { sendError } from './error-response.ts';
import { trustedPeers, upstreamHead } from './forwarded.ts';
import { plainText } from './http-head.ts';
import type { ProxyOptions } from './proxy.ts';
import { Exchange } from './proxy.ts';
import type { AddedHeaders, ClientRequest } from './request.ts';
import { normalizePath } from './request-path.ts';
import { namedLocation } from './router.ts';
import type { AddressRouter } from './router.ts';
import { encodePath, serveStatic } from './static/static-handler.ts';
import type { Reroute } from './static/static-handler.ts';
import { staticSite } from './static/static-site.ts';
import type { StaticSite } from './static/static-site.ts';
import { compileTemplate } from './variables.ts';
import type { RequestContext } from './variables.ts';

const refusals: Record<number, string> = {
  414: 'the request line is longer than large_client_header_buffers allows',
  431: 'a header line is longer than large_client_header_buffers allows',
  501: 'the only transfer coding accepted for request bodies is chunked',
};

/** `return`, compiled: the text or URL is a function of the request. */
type Answer = { status: number; text: (c: RequestContext) => string };

/** What the front prepares once per location. */
export type Route = {
  location: LocationConfig;
  answer: Answer | null;
  dispatcher: AppDispatcher | null;
  proxy: ProxyOptions;
  trusted: ReturnType<typeof trustedPeers>;
  added: AddedHeaders | null;
  /** gzip / brotli, null when both are off. */
  compression: CompressionSettings | null;
  /** root or alias, in a location that neither proxies nor returns. */
  static: StaticSite | null;
};

export type Routes = {
  locations: ReadonlyMap<LocationConfig, Route>;
  /** Servers with a server-level `return`. */
  answers: ReadonlyMap<ServerConfig, Answer>;
};

/** The requests of one listening address: its router, and its port for `$server_port`. */
export type Site = { router: AddressRouter; port: number };

/** The routes of every location; `dispatchers` by app name. */
export function buildRoutes(servers: readonly ServerConfig[], dispatchers: ReadonlyMap<string, AppDispatcher>, onDone: ProxyOptions['onDone']): Routes {
  const locations = new Map<LocationConfig, Route>();
  const answers = new Map<ServerConfig, Answer>();
  for (const server of servers) {
    const trusted = trustedPeers(server.trustedProxies);
    if (server.return !== null) answers.set(server, compileAnswer(server.return));
    for (const location of server.locations) {
      locations.set(location, {
        location,
        answer: location.return === null ? null : compileAnswer(location.return),
        dispatcher: location.proxy === null ? null : (dispatchers.get(location.proxy) ?? null),
        proxy: { readTimeout: location.proxyReadTimeout, onDone },
        trusted,
        added: addedHeaders(location.addHeaders),
        compression: compressionSettings(location),
        static: location.proxy === null && location.return === null ? staticSite(location) : null,
      });
    }
  }
  return { locations, answers };
}

function compileAnswer(action: ReturnAction): Answer {
  return { status: action.status, text: compileTemplate(action.text) };
}

/** add_header directives as ready-made head lines (null when there are none). */
function addedHeaders(list: readonly AddHeader[]): AddedHeaders | null {
  if (list.length === 0) return null;
  const line = (h: AddHeader): string => `${h.name}: ${h.value}\r\n`;
  return { all: list.map(line).join(''), always: list.filter((h) => h.always).map(line).join('') };
}

export function handleRequest(site: Site, routes: Routes, request: ClientRequest): void {
  const channel = request.channel;
  if (request.refused !== 0) {
    channel.closeAfterResponse(request);
    sendError(request, request.refused, refusals[request.refused] ?? 'the request cannot be served');
    return;
  }
  const path = normalizePath(request.url);
  if (path === null) {
    sendError(request, 400, 'the request path is not valid');
    return;
  }
  if (request.host === undefined && request.versionMinor === 1) {
    sendError(request, 400, request.protocol === 'HTTP/2.0' ? 'an HTTP/2 request needs :authority or Host' : 'an HTTP/1.1 request needs a Host header');
    return;
  }
  const { server, location } = site.router(request.host, path);
  const serverAnswer = routes.answers.get(server);
  if (serverAnswer !== undefined) {
    answer(request, serverAnswer, { request, server, path, port: site.port });
    return;
  }
  content(site, routes, request, server, location, path, 0);
}

// nginx's limit on internal redirects (NGX_HTTP_MAX_URI_CHANGES): past it, a loop.
const maxReroutes = 10;

// The content phase of the location chosen for `path` (by the router, or by an internal
// redirect of the static handler, which comes back here with `reroutes` counted).
function content(site: Site, routes: Routes, request: ClientRequest, server: ServerConfig, location: LocationConfig | null, path: string, reroutes: number): void {
  const channel = request.channel;
  const route = location === null ? undefined : routes.locations.get(location);
  if (route === undefined) {
    sendError(request, 404, 'no location matches this path');
    return;
  }
  request.added = route.added;
  if (route.answer !== null) {
    answer(request, route.answer, { request, server, path, port: site.port });
    return;
  }
  if (route.static !== null) {
    const q = request.url.indexOf('?');
    serveStatic(request, route.static, path, q === -1 ? '' : request.url.slice(q + 1), rerouter(site, routes, server, reroutes + 1));
    return;
  }
  if (route.dispatcher === null) {
    sendError(request, 500, 'the location has nothing to serve');
    return;
  }
  const limit = route.location.clientMaxBodySize;
  if (limit > 0 && request.contentLength > limit) {
    // The connection reads and drops what the client is still sending before it closes, as
    // nginx's lingering close does: closing with unread data would reset the connection
    // before the client reads the 413.
    channel.closeAfterResponse(request);
    sendError(request, 413, `the request body is larger than client_max_body_size (${limit} bytes)`);
    return;
  }
  request.bodyLimit = limit;
  // The compression filter answers in the protocol's place and decides at the response head.
  if (route.compression !== null) request.channel = compressingChannel(request.channel, request, route.compression);
  new Exchange(request, upstreamHead(request, route.trusted), route.dispatcher, route.proxy).run();
}

// Internal redirects (index, try_files) go through the locations again, as in nginx: a URI
// is routed anew (and is what the app sees), a named location keeps the request as it is.
function rerouter(site: Site, routes: Routes, server: ServerConfig, reroutes: number): Reroute {
  const loop = (request: ClientRequest): boolean => {
    if (reroutes <= maxReroutes) return false;
    sendError(request, 500, 'internal redirection cycle (index or try_files)');
    return true;
  };
  return {
    uri: (request, uri, args) => {
      if (loop(request)) return;
      // Decoded already (the request's path, or a URI of the configuration): not decoded twice.
      const path = uri.startsWith('/') ? uri : `/${uri}`;
      request.url = args === '' ? encodePath(path) : `${encodePath(path)}?${args}`;
      content(site, routes, request, server, site.router(request.host, path).location, path, reroutes);
    },
    named: (request, name) => {
      if (loop(request)) return;
      const path = normalizePath(request.url) ?? '/';
      content(site, routes, request, server, namedLocation(server, name), path, reroutes);
    },
  };
}

// `return`: a redirect's URL goes in Location, any other text is the body.
function answer(request: ClientRequest, action: Answer, context: RequestContext): void {
  const text = action.text(context);
  const status = action.status;
  if (status >= 300 && status < 400 && text !== '') request.channel.respond(request, status, `location: ${text}\r\n`, '');
  else request.channel.respond(request, status, plainText, text === '' ? '' : `${text}\n`);
}

/** A body that cannot go on: past client_max_body_size (chunked, HTTP/2), or client_body_timeout. */
export function refuseBody(request: ClientRequest, status: 408 | 413): void {
  request.owner?.cancel?.();
  const channel = request.channel;
  if (channel.responseStarted) {
    channel.abort();
    return;
  }
  channel.closeAfterResponse(request);
  sendError(
    request,
    status,
    status === 413
      ? `the request body is larger than client_max_body_size (${request.bodyLimit} bytes)`
      : 'the client sent nothing of the request body for client_body_timeout',
  );
}
