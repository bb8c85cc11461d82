// What happens to a request once a protocol has read its head, for HTTP/1.x and HTTP/2
// alike (nginx's phases): checks that do not depend on the route, the router (server by
// address and Host, then location), the access checks, and the content handler (`return`,
// static files, or the app through the proxy exchange).

import type { AddHeader, LocationConfig, ServerConfig } from '../config/types.ts';
import type { AppDispatcher } from './dispatcher.ts';
import { sendError } from './error-response.ts';
import { trustedPeers, upstreamHead } from './forwarded.ts';
import { plainText } from './http-head.ts';
import type { ProxyOptions } from './proxy.ts';
import { Exchange } from './proxy.ts';
import type { AddedHeaders, ClientRequest } from './request.ts';
import { normalizePath } from './request-path.ts';
import type { AddressRouter } from './router.ts';

const refusals: Record<number, string> = {
  414: 'the request line is longer than large_client_header_buffers allows',
  431: 'a header line is longer than large_client_header_buffers allows',
  501: 'the only transfer coding accepted for request bodies is chunked',
};

/** What the front prepares once per location. */
export type Route = {
  location: LocationConfig;
  dispatcher: AppDispatcher | null;
  proxy: ProxyOptions;
  trusted: ReturnType<typeof trustedPeers>;
  added: AddedHeaders | null;
};

export type Routes = ReadonlyMap<LocationConfig, Route>;

/** The routes of every location; `dispatchers` by app name. */
export function buildRoutes(servers: readonly ServerConfig[], dispatchers: ReadonlyMap<string, AppDispatcher>, onDone: ProxyOptions['onDone']): Map<LocationConfig, Route> {
  const routes = new Map<LocationConfig, Route>();
  for (const server of servers) {
    const trusted = trustedPeers(server.trustedProxies);
    for (const location of server.locations) {
      routes.set(location, {
        location,
        dispatcher: location.proxy === null ? null : (dispatchers.get(location.proxy) ?? null),
        proxy: { readTimeout: location.proxyReadTimeout, onDone },
        trusted,
        added: addedHeaders(location.addHeaders),
      });
    }
  }
  return routes;
}

/** add_header directives as ready-made head lines (null when there are none). */
function addedHeaders(list: readonly AddHeader[]): AddedHeaders | null {
  if (list.length === 0) return null;
  const line = (h: AddHeader): string => `${h.name}: ${h.value}\r\n`;
  return { all: list.map(line).join(''), always: list.filter((h) => h.always).map(line).join('') };
}

export function handleRequest(router: AddressRouter, routes: Routes, request: ClientRequest): void {
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
  const { location } = router(request.host, path);
  const route = location === null ? undefined : routes.get(location);
  if (route === undefined) {
    sendError(request, 404, 'no location matches this path');
    return;
  }
  request.added = route.added;
  const action = route.location.return;
  if (action !== null) {
    if (action.status >= 300 && action.status < 400 && action.text !== '') channel.respond(request, action.status, `location: ${action.text}\r\n`, '');
    else channel.respond(request, action.status, plainText, action.text === '' ? '' : `${action.text}\n`);
    return;
  }
  if (route.dispatcher === null) {
    sendError(request, 501, 'static file locations are not served yet by this version of edge');
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
  new Exchange(request, upstreamHead(request, route.trusted), route.dispatcher, route.proxy).run();
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
