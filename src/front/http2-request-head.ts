// An HTTP/2 request's header list, as nghttp2 delivers it (names lower-case, pseudo-headers
// first, already checked against RFC 9113), turned into a ClientRequest the handlers read as
// they read an HTTP/1.1 one; and the response's head lines turned into an HTTP/2 header list.

import type { ClientInfo, ClientRequest, RequestChannel } from './request.ts';
import { hopByHop } from './http-head.ts';

/**
 * `raw`: name, value, name, value. `ended`: the HEADERS frame ended the stream (no body).
 * `maxLine`: large_client_header_buffers' SIZE, the longest path or header field (414, 431).
 */
export function requestFromHeaders(raw: readonly string[], ended: boolean, channel: RequestChannel, client: ClientInfo, maxLine: number): ClientRequest {
  let method = '';
  let path = '';
  let authority: string | undefined;
  let host: string | undefined;
  let contentLength = -1;
  let expectContinue = false;
  let cookieAt = -1;
  let refused = 0;
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    if (name.charCodeAt(0) === 58) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === ':authority') authority = value;
      continue;
    }
    if (name.length + value.length + 4 > maxLine) refused ||= 431;
    switch (name) {
      case 'cookie':
        // RFC 9113 8.2.3: cookie fields may arrive split; one field, joined with "; ", upstream.
        if (cookieAt === -1) {
          cookieAt = headers.length + 1;
          break;
        }
        headers[cookieAt] += `; ${value}`;
        continue;
      case 'host':
        host ??= value;
        break;
      case 'content-length':
        contentLength = Number(value);
        break;
      case 'expect':
        expectContinue = value.toLowerCase() === '100-continue';
        break;
    }
    headers.push(name, value);
  }
  if (path.length + method.length + 11 > maxLine) refused ||= 414;
  // CONNECT (which nghttp2 lets through without :path) tunnels nothing here.
  if (method === 'CONNECT') refused ||= 400;
  if (ended) contentLength = 0;
  return {
    channel,
    client,
    protocol: 'HTTP/2.0',
    method,
    url: path,
    versionMinor: 1,
    headers,
    host: authority ?? host,
    hostFromTarget: authority !== undefined,
    contentLength,
    chunked: contentLength === -1,
    expectContinue: expectContinue && !ended,
    connectionHeader: '',
    keepAlive: true,
    received: 0,
    complete: ended,
    bodyLimit: 0,
    refused,
    pending: null,
    reader: null,
    discard: false,
    owner: null,
    added: null,
    onDone: null,
  };
}

/**
 * `name: value\r\n` lines → [':status', status, name, value, ...] with names lower-cased and
 * the connection-specific fields HTTP/2 forbids left out (RFC 9113 8.2.2). Repeated fields
 * (set-cookie) stay separate.
 */
export function responseHeaders(status: number, lines: string): string[] {
  const list = [':status', String(status)];
  let start = 0;
  while (start < lines.length) {
    let end = lines.indexOf('\r\n', start);
    if (end === -1) end = lines.length;
    const colon = lines.indexOf(':', start);
    if (colon !== -1 && colon < end) {
      const name = lines.slice(start, colon).trim().toLowerCase();
      if (!hopByHop.has(name)) list.push(name, lines.slice(colon + 1, end).trim());
    }
    start = end + 2;
  }
  return list;
}
