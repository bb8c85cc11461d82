// The request interface between the protocols and the handlers (nginx's shape): an HTTP/1.x
// connection and an HTTP/2 session each turn what arrives into ClientRequests and give each
// a RequestChannel to answer on; the router, `return`, static files, the proxy exchange and
// the filters are written once against these types and serve both protocols. Plain data and
// callbacks, no streams or promises per request: the HTTP/1.x path stays as cheap as it was.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** Who reads a request's body (the exchange proxying it, say). */
export type BodyReader = {
  onRequestData: (chunk: Buffer) => void;
  onRequestEnd: () => void;
};

/** What the channel tells the one answering a request. */
export type ResponseOwner = {
  /** The client went away (or reset the stream) before the response was complete. */
  onClientClose: () => void;
  /** The request body cannot go on (too large, too slow): stop using it. */
  cancel?: () => void;
};

/** How a response's body is framed, as the one answering knows it. */
export type BodyFraming = 'none' | 'length' | 'stream';

/** add_header, as head lines: `all` for nginx's list of statuses, `always` for every other. */
export type AddedHeaders = { all: string; always: string };

/** The client at the other end, the same for every request of a connection. */
export type ClientInfo = {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly encrypted: boolean;
  /** The TLS version (`TLSv1.3`) and cipher (OpenSSL's name) when encrypted, else ''. */
  readonly tlsProtocol: string;
  readonly tlsCipher: string;
};

/**
 * One protocol's side of a request: how its body is read and how it is answered. An HTTP/1.x
 * connection is the channel of each of its requests in turn (one response at a time); an
 * HTTP/2 stream is the channel of its one request. Header lines are complete
 * `name: value\r\n` lines without framing or connection headers (lower- or mixed-case names).
 */
export type RequestChannel = {
  /** Whether a response head has been sent and its body is not complete. */
  readonly responseStarted: boolean;
  /**
   * Nothing written is queued any more: the protocol holds no reference to the buffers given
   * to writeBody, which may be reused at once (the static file sender's read buffers).
   * False whenever in doubt.
   */
  readonly drained: boolean;
  writeHead: (request: ClientRequest, status: number, reason: string, headerLines: string, framing: BodyFraming, hasDate: boolean) => void;
  /** False: the client is slow; `onDrain` says when to write more. */
  writeBody: (chunk: Buffer) => boolean;
  onDrain: (callback: () => void) => void;
  endResponse: (request: ClientRequest) => void;
  /** A short, complete answer: head and body at once (`content-length` is added). */
  respond: (request: ClientRequest, status: number, headerLines: string, body: string) => void;
  /** The response cannot be completed: the client must see it cut short, not whole. */
  abort: () => void;
  /** HTTP/1.x: the connection closes after this response (after a 413, say). */
  closeAfterResponse: (request: ClientRequest) => void;
  /** A reader takes the request's body: what arrived before it first. */
  readBody: (request: ClientRequest, reader: BodyReader) => void;
  /** The reader cannot take more body now (its worker is slow): not the client's delay. */
  pauseBody: () => void;
  resumeBody: () => void;
  /** Hold small writes until uncork, so a head and a short body leave together. */
  cork: () => void;
  uncork: () => void;
};

export type ClientRequest = {
  /** Where the response goes; a filter (compression) may wrap it. */
  channel: RequestChannel;
  readonly client: ClientInfo;
  /** `HTTP/1.0`, `HTTP/1.1` or `HTTP/2.0`, as nginx's $server_protocol. */
  readonly protocol: string;
  readonly method: string;
  /**
   * The request target in origin form (an absolute-form target is split into host and this);
   * an internal redirect (index, try_files) replaces it, and the app sees the new one, as in nginx.
   */
  url: string;
  /** HTTP/1.x's minor version; 1 for HTTP/2. */
  readonly versionMinor: number;
  /** Name, value, name, value: as received (HTTP/2: without pseudo-headers, cookies joined). */
  readonly headers: string[];
  readonly host: string | undefined;
  /** The host came from the target (absolute form, `:authority`), which overrides any Host header. */
  readonly hostFromTarget: boolean;
  /** -1 when the body's length is not known in advance (chunked, or HTTP/2 without content-length). */
  readonly contentLength: number;
  /** The body goes upstream chunked (its length is not known in advance). */
  readonly chunked: boolean;
  readonly expectContinue: boolean;
  /** The value of the Connection header ('' if none, always for HTTP/2). */
  readonly connectionHeader: string;
  keepAlive: boolean;
  /** Body bytes received so far, and whether the whole body has been. */
  received: number;
  complete: boolean;
  /** Bytes allowed in the body (0: no limit), checked as they arrive. */
  bodyLimit: number;
  /** Refused whatever the route: 414 or 431 (a line of the head too long), 501 (a transfer coding other than chunked); else 0. */
  refused: number;
  /** Body chunks that arrived before a reader. */
  pending: Buffer[] | null;
  reader: BodyReader | null;
  /** The rest of the body is read and dropped (the response did not need it). */
  discard: boolean;
  owner: ResponseOwner | null;
  /** The location's add_header lines, once the request is routed. */
  added: AddedHeaders | null;
  /** Front's bookkeeping: called once when the response is complete or abandoned. */
  onDone: (() => void) | null;
};

/** What a protocol's connections tell the front. */
export type ConnectionHooks = {
  /** A request is ready to be answered (its head is complete and its turn has come). */
  handle: (request: ClientRequest) => void;
  /**
   * The request's body cannot go on: 413 (past `bodyLimit`) or 408 (client_body_timeout).
   * The one answering must stop passing it on and answer with that status.
   */
  refuseBody: (request: ClientRequest, status: 408 | 413) => void;
  stopping: () => boolean;
  closed: (connection: FrontConnection) => void;
};

/** A client connection of any protocol, as the front's sweep and graceful stop see it. */
export type FrontConnection = {
  /** When the sweep acts (0: nothing to time out). */
  deadline: number;
  /** Called by the front's sweep once the deadline has passed. */
  expire: () => void;
  /** Graceful stop: a connection with nothing in progress is closed now. */
  closeIfIdle: () => void;
};

// The statuses nginx's add_header (without `always`) applies to.
const addHeaderStatuses = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);

/** The location's add_header lines that apply to a response with this status. */
export function addedLines(request: ClientRequest, status: number): string {
  const added = request.added;
  if (added === null) return '';
  return addHeaderStatuses.has(status) ? added.all : added.always;
}

/** The client of a connection: its address, and its TLS version and cipher when encrypted. */
export function clientInfo(socket: Socket, encrypted: boolean): ClientInfo {
  return {
    remoteAddress: normalizeAddress(socket.remoteAddress ?? ''),
    remotePort: socket.remotePort ?? 0,
    encrypted,
    tlsProtocol: encrypted ? ((socket as TLSSocket).getProtocol() ?? '') : '',
    tlsCipher: encrypted ? ((socket as TLSSocket).getCipher()?.name ?? '') : '',
  };
}

// IPv4 clients of a dual-stack socket appear as ::ffff:1.2.3.4; apps expect 1.2.3.4.
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
