// The compression filter: a RequestChannel in front of the protocol's, for one request of a
// location with gzip or brotli on. At writeHead it decides from the head whether the body is
// compressed; if so, the body goes through a zlib encoder, with backpressure both ways (the
// one answering is told to wait while the encoder's input or the client is backed up), so a
// response is never held whole in memory.

import type zlib from 'node:zlib';
import type { BodyFraming, BodyReader, ClientRequest, RequestChannel } from '../request.ts';
import { acceptEncodingOf, chooseEncoding } from './accept-encoding.ts';
import type { Encoding } from './accept-encoding.ts';
import { createEncoder, syncFlushKind } from './encoder.ts';
import { compressedHead, compressibleStatus, readHead, withVary } from './response-head.ts';
import { levelOf, offerFor } from './settings.ts';
import type { CompressionSettings } from './settings.ts';

/** `inner`, compressing the response to `request` when its head and Accept-Encoding allow. */
export function compressingChannel(inner: RequestChannel, request: ClientRequest, settings: CompressionSettings): RequestChannel {
  return new CompressingChannel(inner, request, settings);
}

class CompressingChannel implements RequestChannel {
  readonly #inner: RequestChannel;
  readonly #request: ClientRequest;
  readonly #settings: CompressionSettings;
  #encoder: zlib.Gzip | zlib.BrotliCompress | null = null;
  #flushKind = 0;
  /** The client is slow: the encoder's output waits until it drains. */
  #innerBlocked = false;
  #drainWaiter: (() => void) | null = null;
  #flushScheduled = false;
  #ended = false;

  constructor(inner: RequestChannel, request: ClientRequest, settings: CompressionSettings) {
    this.#inner = inner;
    this.#request = request;
    this.#settings = settings;
  }

  /** The encoder holds what it was given until it has compressed it. */
  readonly drained = false;

  get responseStarted(): boolean {
    return this.#inner.responseStarted;
  }

  writeHead(request: ClientRequest, status: number, reason: string, headerLines: string, framing: BodyFraming, hasDate: boolean): void {
    const inner = this.#inner;
    // nginx's conditions, in its order: status, no body (HEAD, 204, 304), already encoded,
    // length, type; then edge's: a range, no-transform.
    if (framing === 'none' || !compressibleStatus(status) || request.method === 'HEAD') {
      inner.writeHead(request, status, reason, headerLines, framing, hasDate);
      return;
    }
    const head = readHead(headerLines);
    const offer = head.encoded || head.ranged || head.noTransform ? null : offerFor(this.#settings, head.contentType, head.contentLength);
    if (offer === null || (!offer.br && !offer.gzip)) {
      inner.writeHead(request, status, reason, headerLines, framing, hasDate);
      return;
    }
    // Compressible: caches must keep the variants apart, whatever this client accepts.
    // HTTP/1.0 has no chunked coding; as nginx (gzip_http_version 1.1), its clients get the
    // body as it is rather than a connection closed after each response.
    const encoding = request.versionMinor >= 1 ? chooseEncoding(acceptEncodingOf(request.headers), offer) : null;
    if (encoding === null) {
      inner.writeHead(request, status, reason, withVary(headerLines), framing, hasDate);
      return;
    }
    this.#start(encoding, head.contentLength);
    inner.writeHead(request, status, reason, compressedHead(headerLines, encoding), 'stream', hasDate);
  }

  #start(encoding: Encoding, sizeHint: number): void {
    const encoder = createEncoder(encoding, levelOf(this.#settings, encoding), Math.max(0, sizeHint));
    this.#encoder = encoder;
    this.#flushKind = syncFlushKind(encoding);
    encoder.on('data', (out: Buffer) => {
      if (this.#inner.writeBody(out)) return;
      this.#innerBlocked = true;
      encoder.pause();
      this.#inner.onDrain(this.#onInnerDrain);
    });
    encoder.on('drain', this.#wake);
    encoder.on('end', () => this.#inner.endResponse(this.#request));
    // Not expected from a compressor (it would be memory running out): the client sees a cut
    // response rather than a wrong one.
    encoder.on('error', () => this.#inner.abort());
    // A client that goes away mid-response ends the encoder too (the exchange stops on its own).
    const done = this.#request.onDone;
    this.#request.onDone = () => {
      encoder.destroy();
      done?.();
    };
  }

  readonly #onInnerDrain = (): void => {
    this.#innerBlocked = false;
    this.#encoder?.resume();
    this.#wake();
  };

  // The one answering may write again once both the encoder's input and the client have room.
  readonly #wake = (): void => {
    const waiter = this.#drainWaiter;
    if (waiter === null || this.#innerBlocked || this.#encoder?.writableNeedDrain) return;
    this.#drainWaiter = null;
    waiter();
  };

  writeBody(chunk: Buffer): boolean {
    const encoder = this.#encoder;
    if (encoder === null) return this.#inner.writeBody(chunk);
    if (encoder.destroyed) return true;
    const more = encoder.write(chunk);
    // What the app has written reaches the client when the app pauses (a streamed page, an
    // event stream), not only once the encoder's buffers fill: one sync flush per turn of
    // the event loop in which data came, which costs well under 1% of the compression.
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
    return more && !this.#innerBlocked;
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const encoder = this.#encoder;
    if (encoder !== null && !this.#ended && !encoder.destroyed) encoder.flush(this.#flushKind);
  };

  onDrain(callback: () => void): void {
    if (this.#encoder === null) this.#inner.onDrain(callback);
    else this.#drainWaiter = callback;
  }

  endResponse(request: ClientRequest): void {
    const encoder = this.#encoder;
    if (encoder === null) {
      this.#inner.endResponse(request);
      return;
    }
    this.#ended = true;
    this.#drainWaiter = null;
    // The rest of the body leaves as the encoder finishes; 'end' ends the response.
    encoder.end();
  }

  respond(request: ClientRequest, status: number, headerLines: string, body: string): void {
    this.#inner.respond(request, status, headerLines, body);
  }

  abort(): void {
    this.#encoder?.destroy();
    this.#inner.abort();
  }

  closeAfterResponse(request: ClientRequest): void {
    this.#inner.closeAfterResponse(request);
  }

  readBody(request: ClientRequest, reader: BodyReader): void {
    this.#inner.readBody(request, reader);
  }

  pauseBody(): void {
    this.#inner.pauseBody();
  }

  resumeBody(): void {
    this.#inner.resumeBody();
  }

  cork(): void {
    this.#inner.cork();
  }

  uncork(): void {
    this.#inner.uncork();
  }
}
