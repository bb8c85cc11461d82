// One client connection speaking HTTP/2 (node:http2's session API on the TLS or cleartext
// socket): each stream becomes a ClientRequest on its own Http2StreamChannel and goes to the
// same handlers as HTTP/1.x. Framing, HPACK and flow control are nghttp2's; the session adds
// the front's deadlines (checked by its sweep, no timers), graceful stop (GOAWAY), and the
// defences against clients that make the server work for nothing: rapid reset
// (CVE-2023-44487) and PING/SETTINGS floods.

import http2 from 'node:http2';
import type { ServerHttp2Session, ServerHttp2Stream, ServerOptions } from 'node:http2';
import type { Socket } from 'node:net';
import type { ConnectionLimits } from './http1-connection.ts';
import { requestFromHeaders } from './http2-request-head.ts';
import { Http2StreamChannel } from './http2-stream-channel.ts';
import type { StreamOwner } from './http2-stream-channel.ts';
import { clientInfo } from './request.ts';
import type { ClientInfo, ClientRequest, ConnectionHooks, FrontConnection } from './request.ts';

const { NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_FLAG_END_STREAM } = http2.constants;

export type Http2Limits = ConnectionLimits & {
  /** http2_max_concurrent_streams. */
  maxConcurrentStreams: number;
};

/**
 * The abuse limits, per connection and per `windowMs`: more than `maxResets` streams reset
 * by the client before their response was complete, while they outnumber twice the
 * completed ones, or more than `maxControlFrames` PING and SETTINGS frames, and the
 * connection is closed with GOAWAY ENHANCE_YOUR_CALM. Normal clients reset a few streams
 * (a page left before it loaded) and send a PING now and then.
 */
export const abuseLimits = { windowMs: 10_000, maxResets: 100, maxControlFrames: 1000 };

// After a GOAWAY on a connection with nothing open: how long the client has to close its side.
const closeGraceMs = 2000;

/** The node:http2 session options the front uses, every limit set explicitly. */
export function sessionOptions(limits: Http2Limits): ServerOptions & { maxOutstandingSettings: number } {
  const maxHeaderListSize = limits.maxHeaderSize;
  return {
    settings: {
      maxConcurrentStreams: limits.maxConcurrentStreams,
      // large_client_header_buffers' NUMBER × SIZE, as for HTTP/1.x (and nginx ≥ 1.19.7).
      maxHeaderListSize,
      enablePush: false,
    },
    // Bounded by the list's size (each field counts 32 bytes more, RFC 9113 6.5.2), not a count.
    maxHeaderListPairs: Math.max(4, Math.ceil(maxHeaderListSize / 32)),
    // Memory nghttp2 may hold for the session (frames queued for a client that does not
    // read, header blocks): past it, new streams are refused and the session ends.
    maxSessionMemory: 10,
    // PING and SETTINGS frames of the server's own awaiting acknowledgement.
    maxOutstandingPings: 10,
    maxOutstandingSettings: 10,
    // Entries in one SETTINGS frame from the client.
    maxSettings: 32,
    // Frames that break the protocol before the session ends. A stream opened past
    // maxConcurrentStreams is one (refused with RST_STREAM): a client that opens more than
    // twice the limit beyond it is closed, much as nginx closes one that opens more than
    // twice http2_max_concurrent_streams in one go.
    maxSessionInvalidFrames: 2 * limits.maxConcurrentStreams,
    maxSessionRejectedStreams: 100,
    // nghttp2's own token bucket for RST_STREAM; the front's stricter count is below.
    streamResetBurst: 1000,
    streamResetRate: 33,
    // Workers' HTTP/1.1 responses may repeat fields HTTP/2 calls single-value; they pass as
    // they would over HTTP/1.1 rather than failing the response.
    strictSingleValueFields: false,
  };
}

export class Http2Session implements FrontConnection, StreamOwner {
  readonly socket: Socket;
  readonly session: ServerHttp2Session;
  readonly client: ClientInfo;
  readonly bodyTimeout: number;
  readonly sendTimeout: number;
  /** When the sweep acts (0: nothing to time out). */
  deadline = 0;
  readonly #limits: Http2Limits;
  readonly #hooks: ConnectionHooks;
  /** Streams not closed yet. */
  readonly #streams = new Set<Http2StreamChannel>();
  /** Streams that arrived in this turn of the event loop, handed to the handlers in the next. */
  #arrived: Http2StreamChannel[] = [];
  #accepted = 0;
  #phase: 'open' | 'closing' | 'closed' = 'open';
  #windowStart = Date.now();
  #resets = 0;
  #completed = 0;
  #controlFrames = 0;

  /**
   * `options`: sessionOptions(limits), made once per listening address. `received`: bytes
   * already read from the socket (the preface of a cleartext connection).
   */
  constructor(socket: Socket, encrypted: boolean, limits: Http2Limits, options: ServerOptions, hooks: ConnectionHooks, received: Buffer | null) {
    this.socket = socket;
    this.client = clientInfo(socket, encrypted);
    this.bodyTimeout = limits.bodyTimeout;
    this.sendTimeout = limits.sendTimeout;
    this.#limits = limits;
    this.#hooks = hooks;
    if (received !== null) {
      // The session reads what the socket holds before it reads from the socket itself.
      socket.pause();
      socket.unshift(received);
    }
    const session = http2.performServerHandshake(socket, options);
    this.session = session;
    session.on('stream', (stream: ServerHttp2Stream, _headers: unknown, flags: number, raw: string[]) => this.#onStream(stream, flags, raw));
    session.on('ping', this.#onControlFrame);
    session.on('remoteSettings', this.#onControlFrame);
    session.on('error', ignoreError);
    session.on('frameError', ignoreError);
    socket.on('error', ignoreError);
    // The listening socket allows half-open connections (for HTTP/1.x); HTTP/2 has no use for
    // them: the client's end is the end.
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
    this.deadline = Date.now() + limits.headerTimeout;
  }

  #onStream(stream: ServerHttp2Stream, flags: number, raw: string[]): void {
    if (this.#phase === 'closed') return;
    this.#accepted++;
    const channel = new Http2StreamChannel(stream, this);
    const ended = (flags & NGHTTP2_FLAG_END_STREAM) !== 0;
    channel.request = requestFromHeaders(raw, ended, channel, this.client, this.#limits.maxLineSize);
    this.#streams.add(channel);
    if (this.#streams.size === 1) this.deadline = 0;
    // keepalive_requests, as nginx ≥ 1.19.7 applies it to HTTP/2: this one is served, the
    // client opens later ones on a new connection.
    if (this.#accepted >= this.#limits.keepaliveRequests || this.#hooks.stopping()) this.#goAway();
    if (this.#arrived.push(channel) === 1) setImmediate(this.#dispatch);
  }

  // node:http2 announces a stream once the read that brought it is processed, so a
  // RST_STREAM in the same read has closed it already; handing streams on one turn of the
  // event loop later widens that to every read of the turn. Rapid reset then costs the front
  // a little and the app nothing.
  readonly #dispatch = (): void => {
    const arrived = this.#arrived;
    this.#arrived = [];
    for (const channel of arrived) {
      if (channel.stream.destroyed || channel.stream.closed || this.#phase === 'closed') continue;
      channel.dispatched = true;
      this.#hooks.handle(channel.request);
    }
  };

  // ---- StreamOwner ----

  armed(deadline: number): void {
    if (this.deadline === 0 || deadline < this.deadline) this.deadline = deadline;
  }

  refuseBody(request: ClientRequest, status: 408 | 413): void {
    this.#hooks.refuseBody(request, status);
  }

  completed(): void {
    this.#roll();
    this.#completed++;
  }

  closed(channel: Http2StreamChannel, resetByClient: boolean): void {
    this.#streams.delete(channel);
    if (resetByClient) {
      this.#roll();
      this.#resets++;
      if (this.#resets > abuseLimits.maxResets && this.#resets > 2 * this.#completed) {
        this.#calmDown();
        return;
      }
    }
    if (this.#streams.size === 0) this.#idle();
  }

  // A new window for the abuse counts once the current one has passed.
  #roll(): void {
    const now = Date.now();
    if (now - this.#windowStart <= abuseLimits.windowMs) return;
    this.#windowStart = now;
    this.#resets = 0;
    this.#completed = 0;
    this.#controlFrames = 0;
  }

  readonly #onControlFrame = (): void => {
    this.#roll();
    if (++this.#controlFrames > abuseLimits.maxControlFrames) this.#calmDown();
  };

  // ---- the end ----

  // Nothing open: the idle timeout (keepalive_timeout) runs, or the connection closes now.
  #idle(): void {
    if (this.#phase !== 'open' || this.#limits.keepaliveTimeout === 0) {
      this.#goAway();
      return;
    }
    this.deadline = Date.now() + this.#limits.keepaliveTimeout;
  }

  // GOAWAY NO_ERROR: streams already open finish, no new one starts, then the session closes.
  #goAway(): void {
    if (this.#phase !== 'open') {
      if (this.#streams.size === 0 && this.#phase === 'closing') this.deadline = Date.now() + closeGraceMs;
      return;
    }
    this.#phase = 'closing';
    if (!this.session.destroyed) this.session.close();
    if (this.#streams.size === 0) this.deadline = Date.now() + closeGraceMs;
  }

  // GOAWAY ENHANCE_YOUR_CALM, and the connection is closed with whatever is open on it.
  #calmDown(): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closing';
    this.deadline = Date.now() + closeGraceMs;
    if (!this.session.destroyed) this.session.destroy(new Error('the client abuses the protocol'), NGHTTP2_ENHANCE_YOUR_CALM);
  }

  readonly #onEnd = (): void => {
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#phase = 'closed';
    this.deadline = 0;
    this.#arrived = [];
    if (!this.session.destroyed) this.session.destroy();
    this.#hooks.closed(this);
  };

  /** Called by the front's sweep once the deadline has passed. */
  expire(): void {
    if (this.#phase === 'closed') return;
    if (this.#streams.size === 0) {
      // Idle past keepalive_timeout (or client_header_timeout before the first stream), or
      // closing and the client has not closed its side.
      if (this.#phase === 'open') this.#goAway();
      else this.socket.destroy();
      return;
    }
    const now = Date.now();
    let nearest = 0;
    for (const channel of this.#streams) {
      if (channel.deadline !== 0 && channel.deadline <= now) channel.expire(now);
      if (channel.deadline !== 0 && (nearest === 0 || channel.deadline < nearest)) nearest = channel.deadline;
    }
    // (A stream that closed meanwhile has set the idle or closing deadline already.)
    if (this.#streams.size > 0) this.deadline = nearest;
  }

  /** Graceful stop: GOAWAY; the streams open now finish, then the connection closes. */
  closeIfIdle(): void {
    this.#goAway();
  }
}

function ignoreError(): void {}
