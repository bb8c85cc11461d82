// Node's own HTTP/1 parser (llhttp, strict), the one node:http runs on, used directly: the
// front reads requests and the workers' responses with it and writes heads itself, which
// costs about half of what node:http's server and undici's client cost per proxied request
// (docs/performance.md). The executable pins its Node, and the front's tests catch a change
// of this internal API.

import type { Socket } from 'node:net';
import { HTTPParser, methods } from 'node:_http_common';

export type HeadInfo = {
  versionMajor: number;
  versionMinor: number;
  headers: string[];
  /** Requests only. */
  method: string;
  url: string;
  /** Responses only. */
  statusCode: number;
  statusMessage: string;
  upgrade: boolean;
  shouldKeepAlive: boolean;
};

export type ParserEvents = {
  /** The first byte of a message. */
  onBegin?: () => void;
  /** A return value of 1 tells the parser the message has no body (a response to HEAD). */
  onHead: (head: HeadInfo) => number;
  onBody: (chunk: Buffer) => void;
  onComplete: () => void;
};

export type Parser = HTTPParser;
export type ParseError = Error & { code: string; reason?: string; bytesParsed?: number };

export function createParser(kind: 'request' | 'response', maxHeaderSize: number, events: ParserEvents): Parser {
  const parser = new HTTPParser();
  parser.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, maxHeaderSize, HTTPParser.kLenientNone);
  // A head that arrives in several reads (or has more than 32 headers) comes in parts.
  let partHeaders: string[] = [];
  let partUrl = '';
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
    for (const h of headers) partHeaders.push(h);
    partUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    versionMajor: number,
    versionMinor: number,
    headers: string[] | undefined,
    method: number | undefined,
    url: string | undefined,
    statusCode: number | undefined,
    statusMessage: string | undefined,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ): number => {
    if (headers === undefined) {
      headers = partHeaders;
      partHeaders = [];
    }
    if (url === undefined) {
      url = partUrl;
      partUrl = '';
    }
    return events.onHead({
      versionMajor,
      versionMinor,
      headers,
      method: method === undefined ? '' : (methods[method] ?? ''),
      url,
      statusCode: statusCode ?? 0,
      statusMessage: statusMessage ?? '',
      upgrade,
      shouldKeepAlive,
    });
  };
  if (events.onBegin !== undefined) parser[HTTPParser.kOnMessageBegin] = events.onBegin;
  parser[HTTPParser.kOnBody] = events.onBody;
  parser[HTTPParser.kOnMessageComplete] = (): void => {
    // Trailers of a chunked body arrive as parts too; they are not passed on, and must not
    // become part of the next message's head.
    partHeaders = [];
    partUrl = '';
    events.onComplete();
  };
  return parser;
}

type StreamHandle = { isStreamBase?: boolean; readStart: () => number; readStop: () => number };

/** Starts and stops reading from a socket whose bytes go straight to its parser. */
export type ReadControl = { pause: () => void; resume: () => void };

/**
 * Feeds what the socket reads to the parser inside Node's C++ read callback, as node:http
 * does: no 'data' event, stream machinery or Buffer per read in between (about 3 µs less per
 * proxied request). `onExecute` gets the bytes parsed, or the parse error, after each read;
 * the end of input still arrives as the socket's 'end' event.
 */
export function consumeSocket(parser: Parser, socket: Socket, onExecute: (result: number | ParseError, data: Uint8Array | undefined) => void): ReadControl {
  parser[HTTPParser.kOnExecute] = onExecute;
  const handle = (socket as unknown as { _handle: StreamHandle | null })._handle;
  // TCP, Unix and TLS sockets all have one; a socket without is gone already.
  if (handle === null || handle.isStreamBase !== true) socket.destroy();
  else parser.consume(handle);
  // Flowing, so the socket starts reading and reports 'end'; its data never reaches JS.
  socket.resume();
  return {
    pause: () => {
      (socket as unknown as { _handle: StreamHandle | null })._handle?.readStop();
    },
    resume: () => {
      (socket as unknown as { _handle: StreamHandle | null })._handle?.readStart();
    },
  };
}

/** The client preface of HTTP/2 (RFC 9113 3.4), which llhttp reads whole before it stops. */
export const http2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * After llhttp stopped at an HTTP/2 preface (HPE_PAUSED_H2_UPGRADE) on a consumed socket:
 * the preface and whatever came after it in the same read, for an HTTP/2 session to read.
 */
export function bytesFromPreface(parser: Parser, error: ParseError): Buffer {
  const current = (parser as unknown as { getCurrentBuffer: () => Buffer | undefined }).getCurrentBuffer();
  const rest = current === undefined ? Buffer.alloc(0) : current.subarray(error.bytesParsed ?? current.length);
  return Buffer.concat([http2Preface, rest]);
}

/** Releases the parser's native memory now rather than at garbage collection. */
export function freeParser(parser: Parser): void {
  try {
    parser.unconsume();
  } catch {
    // Never consumed, or the handle is gone already.
  }
  parser.remove();
  // Not from inside one of its own callbacks: the native object must outlive the call.
  setImmediate(() => parser.close());
}
