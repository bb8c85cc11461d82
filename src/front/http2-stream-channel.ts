// One HTTP/2 stream as the channel of its one request. Both bodies go through the stream's
// own flow control: the request body is read only while its reader takes it (a paused
// stream stops its WINDOW_UPDATEs, so a slow worker makes the client wait, not the front
// buffer), and the response body is written only as fast as the client's window lets
// nghttp2 send it (write() returns false past the stream's buffer, and the proxy exchange
// pauses the worker until 'drain').

import http2 from 'node:http2';
import type { ServerHttp2Stream } from 'node:http2';
import { responseHeaders } from './http2-request-head.ts';
import { addedLines } from './request.ts';
import type { BodyFraming, BodyReader, ClientRequest, RequestChannel } from './request.ts';

const { NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = http2.constants;

// nginx's lingering_timeout: how long the rest of a body the response did not need is read
// and dropped before the stream is reset (by then the response's END_STREAM has left).
const lingerMs = 5000;

/** What a stream needs from its session. */
export type StreamOwner = {
  readonly bodyTimeout: number;
  readonly sendTimeout: number;
  /** The stream has a deadline: the session's must be no later. */
  armed: (deadline: number) => void;
  refuseBody: (request: ClientRequest, status: 408 | 413) => void;
  /** A response is complete. */
  completed: () => void;
  /** The stream is gone; `resetByClient`: the client reset it before its response was complete. */
  closed: (channel: Http2StreamChannel, resetByClient: boolean) => void;
};

export class Http2StreamChannel implements RequestChannel {
  readonly stream: ServerHttp2Stream;
  /** Set right after construction. */
  request: ClientRequest = null as unknown as ClientRequest;
  /** Handed to the handlers (after the read that brought it, so a reset in it cancels it). */
  dispatched = false;
  /** The nearest of the body, send and linger deadlines (0: none). */
  deadline = 0;
  readonly #owner: StreamOwner;
  #headSent = false;
  #ended = false;
  #resetByUs = false;
  #drainWaiter: (() => void) | null = null;
  #bodyDeadline = 0;
  #sendDeadline = 0;
  #lingerDeadline = 0;

  constructor(stream: ServerHttp2Stream, owner: StreamOwner) {
    this.stream = stream;
    this.#owner = owner;
    stream.on('drain', this.#onDrain);
    stream.on('error', ignoreError);
    stream.on('close', this.#onClose);
  }

  // ---- the request body ----

  readBody(request: ClientRequest, reader: BodyReader): void {
    request.reader = reader;
    if (request.complete) {
      reader.onRequestEnd();
      return;
    }
    if (request.expectContinue && request.received === 0) {
      try {
        this.stream.additionalHeaders({ ':status': 100 });
      } catch {
        // The stream is gone; its 'close' follows.
      }
    }
    this.stream.on('data', this.#onData);
    this.stream.on('end', this.#onEnd);
    this.resumeBody();
  }

  readonly #onData = (chunk: Buffer): void => {
    const request = this.request;
    request.received += chunk.length;
    if (request.discard) return;
    if (request.bodyLimit > 0 && request.received > request.bodyLimit) {
      request.discard = true;
      this.#setBodyDeadline(0);
      this.#owner.refuseBody(request, 413);
      return;
    }
    this.#setBodyDeadline(Date.now() + this.#owner.bodyTimeout);
    request.reader?.onRequestData(chunk);
  };

  readonly #onEnd = (): void => {
    const request = this.request;
    request.complete = true;
    this.#setBodyDeadline(0);
    if (this.#lingerDeadline !== 0) {
      this.#lingerDeadline = 0;
      this.#rearm();
    }
    if (!request.discard) request.reader?.onRequestEnd();
  };

  pauseBody(): void {
    this.stream.pause();
    this.#setBodyDeadline(0);
  }

  resumeBody(): void {
    this.stream.resume();
    if (!this.request.complete && !this.request.discard) this.#setBodyDeadline(Date.now() + this.#owner.bodyTimeout);
  }

  // ---- the response ----

  cork(): void {}

  uncork(): void {}

  /** nghttp2 keeps the written buffers until it has framed them: never known to be free early. */
  readonly drained = false;

  get responseStarted(): boolean {
    return this.#headSent && !this.#ended;
  }

  writeHead(request: ClientRequest, status: number, _reason: string, headerLines: string, framing: BodyFraming, _hasDate: boolean): void {
    this.#respond(request, status, headerLines, framing === 'none');
  }

  // False when the stream is gone or the head is not valid HTTP/2 (the stream is reset).
  #respond(request: ClientRequest, status: number, headerLines: string, endStream: boolean): boolean {
    const stream = this.stream;
    if (this.#headSent || this.#ended || stream.destroyed || stream.closed) return false;
    this.#headSent = true;
    try {
      // Node adds the date when the lines have none.
      stream.respond(responseHeaders(status, headerLines + addedLines(request, status)), { endStream });
    } catch {
      // A status HTTP/2 cannot carry (1xx, > 599) or a field name that is not a token.
      this.abort();
      return false;
    }
    return true;
  }

  writeBody(chunk: Buffer): boolean {
    const stream = this.stream;
    if (this.#ended || stream.destroyed || !stream.writable) return true;
    const more = stream.write(chunk);
    if (!more && this.#sendDeadline === 0) {
      this.#sendDeadline = Date.now() + this.#owner.sendTimeout;
      this.#arm(this.#sendDeadline);
    }
    return more;
  }

  onDrain(callback: () => void): void {
    this.#drainWaiter = callback;
  }

  readonly #onDrain = (): void => {
    if (this.#sendDeadline !== 0) {
      this.#sendDeadline = 0;
      this.#rearm();
    }
    const waiter = this.#drainWaiter;
    this.#drainWaiter = null;
    waiter?.();
  };

  endResponse(request: ClientRequest): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#drainWaiter = null;
    this.#sendDeadline = 0;
    const stream = this.stream;
    if (!stream.destroyed && stream.writable) stream.end();
    request.owner = null;
    this.#done(request);
    this.#owner.completed();
    if (!request.complete) {
      // The rest of the body is read and dropped for a while, then the stream is reset with
      // NO_ERROR, as RFC 9113 8.1 allows once the response is complete.
      request.discard = true;
      this.#setBodyDeadline(0);
      if (stream.listenerCount('data') === 0) {
        stream.on('data', this.#onData);
        stream.on('end', this.#onEnd);
      }
      stream.resume();
      this.#lingerDeadline = Date.now() + lingerMs;
      this.#arm(this.#lingerDeadline);
    }
  }

  respond(request: ClientRequest, status: number, headerLines: string, body: string): void {
    const bodiless = request.method === 'HEAD' || status === 204 || status === 304;
    const length = Buffer.byteLength(body);
    if (this.#respond(request, status, `${headerLines}content-length: ${length}\r\n`, bodiless || length === 0) && !bodiless && length > 0) {
      this.stream.end(body);
    }
    this.endResponse(request);
  }

  abort(): void {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    this.#resetByUs = true;
    stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  // One stream, one request: nothing to do for the connection.
  closeAfterResponse(request: ClientRequest): void {
    request.keepAlive = false;
  }

  // ---- the end ----

  readonly #onClose = (): void => {
    this.deadline = 0;
    this.#drainWaiter = null;
    if (this.#ended) {
      this.#owner.closed(this, false);
      return;
    }
    this.#ended = true;
    if (this.dispatched) {
      const request = this.request;
      const owner = request.owner;
      request.owner = null;
      owner?.onClientClose();
      this.#done(request);
    }
    this.#owner.closed(this, !this.#resetByUs && this.stream.rstCode !== NGHTTP2_NO_ERROR);
  };

  #done(request: ClientRequest): void {
    const done = request.onDone;
    request.onDone = null;
    done?.();
  }

  // ---- time ----

  /** The session's sweep found this stream's deadline passed. */
  expire(now: number): void {
    if (this.#sendDeadline !== 0 && this.#sendDeadline <= now) {
      // send_timeout: the client stopped taking the response.
      this.abort();
      return;
    }
    if (this.#lingerDeadline !== 0 && this.#lingerDeadline <= now) {
      this.#lingerDeadline = 0;
      if (!this.stream.destroyed && !this.stream.closed) this.stream.close(NGHTTP2_NO_ERROR);
      return;
    }
    if (this.#bodyDeadline !== 0 && this.#bodyDeadline <= now) {
      // client_body_timeout: the client stopped sending the body.
      const request = this.request;
      this.#bodyDeadline = 0;
      request.discard = true;
      if (this.responseStarted || this.#ended) this.abort();
      else this.#owner.refuseBody(request, 408);
    }
    this.#rearm();
  }

  #setBodyDeadline(at: number): void {
    this.#bodyDeadline = at;
    if (at === 0) this.#rearm();
    else this.#arm(at);
  }

  #arm(at: number): void {
    if (this.deadline === 0 || at < this.deadline) {
      this.deadline = at;
      this.#owner.armed(at);
    }
  }

  #rearm(): void {
    let nearest = 0;
    for (const at of [this.#bodyDeadline, this.#sendDeadline, this.#lingerDeadline]) if (at !== 0 && (nearest === 0 || at < nearest)) nearest = at;
    this.deadline = nearest;
    if (nearest !== 0) this.#owner.armed(nearest);
  }
}

function ignoreError(): void {}
