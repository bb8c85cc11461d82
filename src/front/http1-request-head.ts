// An HTTP/1.x request head as llhttp delivers it, turned into a ClientRequest: the headers
// the front acts on (Host, Expect, Connection, Content-Length, Transfer-Encoding), the
// absolute-form target, and the refusals that do not depend on the route (414, 431, 501).

import type { HeadInfo } from './http-parser.ts';
import type { ClientInfo, ClientRequest, RequestChannel } from './request.ts';

// `http://host[:port]/path?query`, as proxies and some clients send it: host and the rest.
const absoluteTarget = /^https?:\/\/([^/?#@\s]+)([/?][^#]*)?$/i;

/** `maxLine`: large_client_header_buffers' SIZE, the longest request line or header line. */
export function requestFromHead(head: HeadInfo, channel: RequestChannel, client: ClientInfo, maxLine: number): ClientRequest {
  const headers = head.headers;
  let host: string | undefined;
  let contentLength = 0;
  let chunked = false;
  let expectContinue = false;
  let connectionHeader = '';
  let refused = head.method.length + head.url.length + 11 > maxLine ? 414 : 0;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name.length + (headers[i + 1] as string).length + 4 > maxLine) refused ||= 431;
    // Compare by length first: most headers are none of these.
    switch (name.length) {
      case 4:
        if (host === undefined && name.toLowerCase() === 'host') host = headers[i + 1];
        break;
      case 6:
        if (name.toLowerCase() === 'expect') expectContinue = (headers[i + 1] as string).toLowerCase() === '100-continue';
        break;
      case 10:
        if (name.toLowerCase() === 'connection') connectionHeader = connectionHeader === '' ? (headers[i + 1] as string) : `${connectionHeader}, ${headers[i + 1]}`;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') contentLength = Number(headers[i + 1]);
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') {
          chunked = true;
          // llhttp accepts codings before the final chunked; edge passes on only chunked.
          if ((headers[i + 1] as string).trim().toLowerCase() !== 'chunked') refused ||= 501;
        }
        break;
    }
  }
  let url = head.url;
  let hostFromTarget = false;
  const target = absoluteTarget.exec(url);
  if (target !== null) {
    host = target[1];
    const rest = target[2] ?? '';
    url = rest.startsWith('/') ? rest : `/${rest}`;
    hostFromTarget = true;
  }
  return {
    channel,
    client,
    protocol: head.versionMinor === 0 ? 'HTTP/1.0' : 'HTTP/1.1',
    method: head.method,
    url,
    versionMinor: head.versionMinor,
    headers,
    host,
    hostFromTarget,
    contentLength: chunked ? -1 : contentLength,
    chunked,
    expectContinue: expectContinue && head.versionMinor === 1,
    connectionHeader,
    keepAlive: head.shouldKeepAlive && !head.upgrade,
    received: 0,
    complete: false,
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
