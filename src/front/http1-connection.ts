// One client connection speaking HTTP/1.x: requests are parsed with llhttp as they arrive and
// answered one at a time, in order (pipelined requests wait their turn, with reading paused);
// the front writes response heads itself and frames bodies (Content-Length as the worker
// sent it, or chunked). Timeouts are deadlines the front's sweep checks, so a request costs
// no timer.

import type { Socket } from 'node:net';
import { currentDateLine, errorText, plainText, reasonPhrase } from './http-head.ts';
import { bytesFromPreface, consumeSocket, createParser, freeParser } from './http-parser.ts';
import type { HeadInfo, ParseError, Parser, ReadControl } from './http-parser.ts';
import { requestFromHead } from './http1-request-head.ts';
import { Http1Writer } from './http1-writer.ts';
import { addedLines, clientInfo } from './request.ts';
import type { BodyFraming, BodyReader, ClientInfo, ClientRequest, ConnectionHooks, FrontConnection, RequestChannel } from './request.ts';

export type ConnectionLimits = {
  headerTimeout: number;
  /** 0 turns keep-alive off, as in nginx. */
  keepaliveTimeout: number;
  keepaliveRequests: number;
  maxHeaderSize: number;
  /** client_body_timeout: the longest wait between two reads of a request body. */
  bodyTimeout: number;
  /** send_timeout: the longest a response write may wait for a client that does not read. */
  sendTimeout: number;
  /** Longest request line and longest header line (large_client_header_buffers' SIZE). */
  maxLineSize: number;
  /**
   * `listen ... http2` without ssl: a connection that opens with the HTTP/2 preface is handed
   * here, with the bytes read so far, to become an HTTP/2 session (null: answered 505).
   */
  h2c: ((socket: Socket, received: Buffer) => void) | null;
};

const pauseForBody = 1;
const pauseForTurn = 2;
// Nothing more will be read: the connection closes after what is being answered.
const pauseForGood = 4;

// nginx's lingering_timeout: how long to wait for more of a body that is being dropped.
const lingerMs = 5000;
// After edge shuts its side: how long the client has to close its own before the socket is
// destroyed anyway.
const closeGraceMs = 2000;

export class Http1Connection implements RequestChannel, FrontConnection {
  readonly socket: Socket;
  readonly client: ClientInfo;
  /** When the sweep acts (0: nothing to time out). */
  deadline = 0;
  /** `closing`: our side is shut; `closed`: the socket is gone. */
  #phase: 'idle' | 'head' | 'busy' | 'linger' | 'closing' | 'closed' = 'head';
  readonly #limits: ConnectionLimits;
  readonly #hooks: ConnectionHooks;
  readonly #parser: Parser;
  readonly #out: Http1Writer;
  readonly #reading: ReadControl;
  /** [0] is being answered; the rest were pipelined behind it. */
  readonly #queue: ClientRequest[] = [];
  /** The request whose body the parser is reading. */
  #receiving: ClientRequest | null = null;
  #paused = 0;
  #served = 0;
  #keepAlive = true;
  #responding = false;
  /** A bad request after the ones being answered: its status, sent when they are done. */
  #pendingError = 0;
  #drainWaiter: (() => void) | null = null;
  /** Heads parsed since the last read was reported. */
  #heads = 0;
  /** While busy: when reading the body, and a blocked write, time out (0: not waiting). */
  #bodyDeadline = 0;
  #sendDeadline = 0;

  constructor(socket: Socket, encrypted: boolean, limits: ConnectionLimits, hooks: ConnectionHooks) {
    this.socket = socket;
    this.#out = new Http1Writer(socket);
    this.client = clientInfo(socket, encrypted);
    this.#limits = limits;
    this.#hooks = hooks;
    this.#parser = createParser('request', limits.maxHeaderSize, {
      onHead: (head) => this.#onHead(head),
      onBody: (chunk) => this.#onBody(chunk),
      onComplete: () => this.#onComplete(),
    });
    socket.setNoDelay(true);
    this.deadline = Date.now() + limits.headerTimeout;
    socket.on('end', this.#onEnd);
    socket.on('drain', this.#onSocketDrain);
    socket.on('error', ignoreError);
    socket.on('close', this.#onClose);
    this.#reading = consumeSocket(this.#parser, socket, (result, data) => this.#onRead(result, data));
  }

  readonly #onSocketDrain = (): void => {
    if (this.#sendDeadline !== 0) {
      this.#sendDeadline = 0;
      this.#armBusy();
    }
    const waiter = this.#drainWaiter;
    this.#drainWaiter = null;
    waiter?.();
  };

  // ---- reading ----

  #onRead(result: number | ParseError, data: Uint8Array | undefined): void {
    // Closing: what still arrives is read only to see the client's end, and dropped.
    if (this.#phase === 'closing') return;
    const heads = this.#heads;
    this.#heads = 0;
    // client_header_timeout runs from the first byte of a request: bytes read on an idle
    // connection that completed no head began one. (This costs a read, not a call from the
    // parser per request; only a pipelined head cut short behind a whole request in the same
    // read keeps keepalive_timeout instead.)
    if (this.#phase === 'idle' && heads === 0 && typeof result === 'number' && result > 0) {
      this.#phase = 'head';
      this.deadline = Date.now() + this.#limits.headerTimeout;
    } else if (this.#phase === 'linger') this.deadline = Date.now() + lingerMs;
    else if (this.#bodyDeadline !== 0) this.#waitForBody();
    if (typeof result !== 'number') {
      this.#onParseError(result);
      return;
    }
    // Past an Upgrade request's head the bytes are another protocol's; edge does not tunnel
    // yet, so the request is answered as a plain one and the connection closed after it.
    if (data !== undefined && result < data.length) this.#pause(pauseForGood);
  }

  #onHead(head: HeadInfo): number {
    this.#heads++;
    if (this.#phase === 'closing') return 0;
    if (head.versionMajor !== 1) {
      this.#pause(pauseForGood);
      this.#receiving = null;
      this.#pendingError = 505;
      if (this.#queue.length === 0) this.#sendPendingError();
      return 1;
    }
    const request = requestFromHead(head, this, this.client, this.#limits.maxLineSize);
    this.#receiving = request;
    this.#queue.push(request);
    this.#phase = 'busy';
    this.#bodyDeadline = 0;
    this.#armBusy();
    if (request.contentLength !== 0) this.#waitForBody();
    if (head.upgrade) this.#pause(pauseForGood);
    if (this.#queue.length === 1) this.#hooks.handle(request);
    else this.#pause(pauseForTurn);
    return 0;
  }

  #onBody(chunk: Buffer): void {
    const request = this.#receiving;
    if (request === null) return;
    request.received += chunk.length;
    if (request.discard) return;
    if (request.bodyLimit > 0 && request.received > request.bodyLimit) {
      request.discard = true;
      request.pending = null;
      this.#bodyDeadline = 0;
      this.#armBusy();
      this.#hooks.refuseBody(request, 413);
      return;
    }
    const reader = request.reader;
    if (reader !== null) {
      reader.onRequestData(chunk);
      return;
    }
    (request.pending ??= []).push(chunk);
    this.pauseBody();
  }

  #onComplete(): void {
    const request = this.#receiving;
    if (request === null) return;
    this.#receiving = null;
    request.complete = true;
    if (this.#bodyDeadline !== 0) {
      this.#bodyDeadline = 0;
      this.#armBusy();
    }
    if (request.discard) {
      // The answer went out already: the connection moves on (or closes) now.
      if (this.#queue[0] !== request) this.#afterBody();
      return;
    }
    request.reader?.onRequestEnd();
  }

  #onParseError(error: ParseError): void {
    if (error.code === 'HPE_PAUSED_H2_UPGRADE' && this.#limits.h2c !== null && this.#served === 0 && this.#queue.length === 0) {
      this.#becomeHttp2(this.#limits.h2c, bytesFromPreface(this.#parser, error));
      return;
    }
    this.#pause(pauseForGood);
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const broken = this.#receiving;
    this.#receiving = null;
    if (broken !== null) {
      // A body that breaks off mid-way cannot be passed on: the exchange using it is cut, and
      // one being dropped after its answer ends the connection.
      if (broken === this.#queue[0] || this.#phase === 'linger') {
        this.socket.destroy();
        return;
      }
      // A pipelined request whose body broke is never answered; the 400 takes its place.
      const i = this.#queue.indexOf(broken);
      if (i !== -1) this.#queue.splice(i, 1);
    }
    this.#pendingError = status;
    if (this.#queue.length === 0) this.#sendPendingError();
  }

  readonly #onEnd = (): void => {
    // End of the client's input while a request is being answered means it went away, as
    // nginx and node:http take it: the request is cut and the worker sees it abort.
    if (this.#queue.length > 0) this.socket.destroy();
    else this.socket.end();
  };

  // Cleartext HTTP/2 with prior knowledge: the socket leaves this connection for a session.
  #becomeHttp2(h2c: (socket: Socket, received: Buffer) => void, received: Buffer): void {
    const socket = this.socket;
    socket.off('end', this.#onEnd);
    socket.off('drain', this.#onSocketDrain);
    socket.off('error', ignoreError);
    socket.off('close', this.#onClose);
    this.#phase = 'closed';
    this.deadline = 0;
    freeParser(this.#parser);
    // The session is counted before this connection is not, so a stopping front does not
    // see a moment with no connection.
    h2c(socket, received);
    this.#hooks.closed(this);
  }

  readonly #onClose = (): void => {
    this.#phase = 'closed';
    this.deadline = 0;
    this.#drainWaiter = null;
    for (const request of this.#queue.splice(0)) {
      request.owner?.onClientClose();
      this.#done(request);
    }
    this.#receiving = null;
    freeParser(this.#parser);
    this.#hooks.closed(this);
  };

  // ---- flow control ----

  #pause(reason: number): void {
    if (this.#paused === 0) this.#reading.pause();
    this.#paused |= reason;
  }

  #resume(reason: number): void {
    if ((this.#paused & reason) === 0) return;
    this.#paused &= ~reason;
    if (this.#paused === 0) this.#reading.resume();
  }

  /** The reader cannot take more body now (its worker is slow): not the client's delay. */
  pauseBody(): void {
    this.#pause(pauseForBody);
    this.#bodyDeadline = 0;
    this.#armBusy();
  }

  resumeBody(): void {
    this.#resume(pauseForBody);
    if (this.#receiving !== null && this.#paused === 0) this.#waitForBody();
  }

  /** A reader takes the request's body: what arrived before it first. */
  readBody(request: ClientRequest, reader: BodyReader): void {
    request.reader = reader;
    const pending = request.pending;
    request.pending = null;
    if (request.expectContinue && request.received === 0 && !request.complete) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    if (pending !== null) for (const chunk of pending) reader.onRequestData(chunk);
    if (request.complete) reader.onRequestEnd();
    else this.resumeBody();
  }

  // ---- writing ----

  /** Holds small writes until uncork, so a head and a short body leave in one packet. */
  cork(): void {
    this.#out.cork();
  }

  uncork(): void {
    this.#out.uncork();
  }

  /**
   * Starts the response to the request being answered. `headerLines` are complete
   * `name: value\r\n` lines without framing or connection headers.
   */
  writeHead(request: ClientRequest, status: number, reason: string, headerLines: string, framing: BodyFraming, hasDate: boolean): void {
    const head = this.#startResponse(request, status, reason, headerLines, framing, hasDate);
    if (head !== null) this.#out.head(head);
  }

  // The response head, with framing and connection headers; null when it must not be sent.
  #startResponse(request: ClientRequest, status: number, reason: string, headerLines: string, framing: BodyFraming, hasDate: boolean): string | null {
    if (this.#phase === 'closed' || this.#phase === 'closing' || request !== this.#queue[0]) return null;
    let keepAlive =
      request.keepAlive &&
      this.#limits.keepaliveTimeout > 0 &&
      this.#served + 1 < this.#limits.keepaliveRequests &&
      !this.#hooks.stopping();
    let chunked = false;
    if (framing === 'stream') {
      // HTTP/1.0 has no chunked coding: the end of the body is the end of the connection.
      if (request.versionMinor >= 1) chunked = true;
      else keepAlive = false;
    }
    this.#keepAlive = keepAlive;
    this.#out.chunked = chunked;
    this.#responding = true;
    let head = `HTTP/1.1 ${status} ${reason}\r\n${headerLines}${addedLines(request, status)}`;
    if (!hasDate) head += currentDateLine();
    if (chunked) head += 'transfer-encoding: chunked\r\n';
    return head + (keepAlive ? 'connection: keep-alive\r\n\r\n' : 'connection: close\r\n\r\n');
  }

  /** False: the client is slow; `onDrain` says when to write more. */
  writeBody(chunk: Buffer): boolean {
    // Destroyed (its 'close' is still to come): nothing to wait for, the exchange ends soon.
    if (this.#phase === 'closed' || this.#phase === 'closing' || this.socket.destroyed) return true;
    const more = this.#out.body(chunk);
    if (!more && this.#sendDeadline === 0) {
      this.#sendDeadline = Date.now() + this.#limits.sendTimeout;
      this.#armBusy();
    }
    return more;
  }

  onDrain(callback: () => void): void {
    this.#drainWaiter = callback;
  }

  endResponse(request: ClientRequest): void {
    if (this.#phase === 'closed' || this.#phase === 'closing' || request !== this.#queue[0] || !this.#responding) return;
    this.#out.end();
    this.#responding = false;
    this.#served++;
    this.#queue.shift();
    request.owner = null;
    this.#done(request);
    if (!request.complete) {
      // Its body is still coming: drop the rest before the next request (or closing).
      request.discard = true;
      request.pending = null;
      request.reader = null;
      this.#phase = 'linger';
      this.deadline = Date.now() + lingerMs;
      this.#resume(pauseForBody);
      return;
    }
    this.#afterBody();
  }

  /** A short answer of the front's own, complete in one write. */
  respond(request: ClientRequest, status: number, headerLines: string, body: string): void {
    const length = Buffer.byteLength(body);
    const head = this.#startResponse(request, status, reasonPhrase(status), `${headerLines}content-length: ${length}\r\n`, 'length', false);
    if (head !== null) this.#out.whole(head, request.method === 'HEAD' ? '' : body, length);
    this.endResponse(request);
  }

  /** The response cannot be completed: the client must see it cut short, not whole. */
  abort(): void {
    this.socket.destroy();
  }

  /** The response will close the connection (after a 413, say). */
  closeAfterResponse(request: ClientRequest): void {
    request.keepAlive = false;
  }

  get drained(): boolean {
    return this.#out.drained;
  }

  get responseStarted(): boolean {
    return this.#responding;
  }

  // After a response and its request's body: the next pipelined request, idle, or close.
  #afterBody(): void {
    if (!this.#keepAlive) {
      this.#close();
      return;
    }
    const next = this.#queue[0];
    if (next !== undefined) {
      this.#phase = 'busy';
      this.#armBusy();
      if (this.#queue.length === 1) this.#resume(pauseForTurn);
      this.#hooks.handle(next);
      return;
    }
    if (this.#pendingError !== 0) {
      this.#sendPendingError();
      return;
    }
    this.#phase = 'idle';
    this.deadline = Date.now() + this.#limits.keepaliveTimeout;
    this.#resume(pauseForTurn | pauseForBody);
    if (this.#hooks.stopping()) this.closeIfIdle();
  }

  #done(request: ClientRequest): void {
    const done = request.onDone;
    request.onDone = null;
    done?.();
  }

  #sendPendingError(): void {
    const status = this.#pendingError;
    const detail =
      status === 431 ? 'the request head is larger than large_client_header_buffers' : status === 505 ? 'only HTTP/1.0 and HTTP/1.1 are served here' : 'the request is not valid HTTP';
    this.#answerAndClose(status, detail);
  }

  // An answer outside any request (the request could not be read), then the end.
  #answerAndClose(status: number, detail: string): void {
    const body = errorText(status, detail);
    this.socket.write(
      `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${currentDateLine()}${plainText}content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      'latin1',
    );
    this.#close();
  }

  /**
   * Shuts edge's side of the connection. Reading goes on (what arrives is dropped) until the
   * client closes its side, which releases the socket, or for `closeGraceMs` at most: closing
   * with unread data would reset the connection and could lose the last answer.
   */
  #close(): void {
    if (this.#phase === 'closing' || this.#phase === 'closed') return;
    this.#phase = 'closing';
    this.deadline = Date.now() + closeGraceMs;
    this.socket.end();
    if (this.#paused !== 0) {
      this.#paused = 0;
      this.#reading.resume();
    }
  }

  // ---- time ----

  /** Called by the front's sweep once the deadline has passed. */
  expire(): void {
    switch (this.#phase) {
      case 'head':
        if (this.#queue.length === 0) this.#answerAndClose(408, 'the request head did not arrive within client_header_timeout');
        return;
      case 'idle':
      case 'linger':
      case 'closing':
        this.socket.destroy();
        return;
      case 'busy': {
        const now = Date.now();
        if (this.#sendDeadline !== 0 && this.#sendDeadline <= now) {
          // send_timeout: the client stopped reading the response.
          this.socket.destroy();
          return;
        }
        const request = this.#receiving;
        if (this.#bodyDeadline !== 0 && this.#bodyDeadline <= now && request !== null) {
          this.#bodyDeadline = 0;
          request.discard = true;
          request.pending = null;
          if (request !== this.#queue[0] || this.#responding) {
            this.socket.destroy();
            return;
          }
          this.#hooks.refuseBody(request, 408);
          // The client has stopped sending: nothing to linger for.
          this.#close();
          return;
        }
        this.#armBusy();
        return;
      }
      default:
        this.deadline = 0;
    }
  }

  // client_body_timeout runs again from now.
  #waitForBody(): void {
    this.#bodyDeadline = Date.now() + this.#limits.bodyTimeout;
    this.#armBusy();
  }

  // While busy, the sweep's deadline is the nearer of the body and send deadlines.
  #armBusy(): void {
    if (this.#phase !== 'busy') return;
    const body = this.#bodyDeadline;
    const send = this.#sendDeadline;
    this.deadline = body === 0 ? send : send === 0 ? body : Math.min(body, send);
  }

  /** Graceful stop: a connection with nothing in progress is closed now. */
  closeIfIdle(): void {
    if (this.#queue.length === 0) this.#close();
  }
}

function ignoreError(): void {}
