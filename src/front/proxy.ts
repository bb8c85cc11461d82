// One proxied request, from the client's request to the worker's response, both bodies
// streamed with backpressure. Failures before the first response byte: idempotent bodiless
// requests are retried once on another worker, others get 502 (504 for a timeout); after it,
// the client connection is closed, so the client sees a truncated response rather than a
// corrupt one.

import type { BodyReader, ClientRequest, ResponseOwner } from './request.ts';
import type { AppDispatcher, Job } from './dispatcher.ts';
import { sendError } from './error-response.ts';
import { responseHead } from './forwarded.ts';
import type { InFlight, Upstream } from './upstream.ts';
import type { ResponseReader, WorkerConnection } from './worker-connection.ts';

const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export type ProxyOptions = {
  /** proxy_read_timeout, in ms: the longest wait for the worker between two reads. */
  readTimeout: number;
  /** Told each time a worker finishes with a request (it has room again). */
  onDone: (upstream: Upstream) => void;
};

export class Exchange implements Job, InFlight, BodyReader, ResponseReader, ResponseOwner {
  readonly request: ClientRequest;
  readonly method: string;
  readonly path: string;
  readonly startedAt = Date.now();
  readonly head: string;
  readonly dispatcher: AppDispatcher;
  readonly options: ProxyOptions;
  readonly hasBody: boolean;
  deadline = 0;
  timedOut = false;
  avoid: Upstream | null = null;
  queued = false;
  timer: NodeJS.Timeout | null = null;
  upstream: Upstream | null = null;
  worker: WorkerConnection | null = null;
  attempts = 0;
  clientGone = false;
  #readTimedOut = false;

  constructor(request: ClientRequest, head: string, dispatcher: AppDispatcher, options: ProxyOptions) {
    this.request = request;
    this.method = request.method;
    this.path = request.url;
    this.head = head;
    this.dispatcher = dispatcher;
    this.options = options;
    this.hasBody = request.chunked || request.contentLength > 0;
    request.owner = this;
  }

  run(): void {
    this.dispatcher.submit(this);
  }

  get requestSent(): boolean {
    return !this.hasBody || this.request.complete;
  }

  // ---- Job ----

  start(upstream: Upstream): void {
    if (this.clientGone) return;
    this.attempts++;
    this.upstream = upstream;
    upstream.begin(this);
    this.deadline = Date.now() + this.options.readTimeout;
    const worker = upstream.connection();
    this.worker = worker;
    if (!this.hasBody) {
      worker.send(this, this.head);
      return;
    }
    // The head and the body that came with it leave in one write.
    worker.socket.cork();
    worker.send(this, this.head);
    this.request.channel.readBody(this.request, this);
    worker.socket.uncork();
  }

  reject(status: number, detail: string, headers: Record<string, string>): void {
    this.#finish();
    sendError(this.request, status, detail, headers);
  }

  // ---- the request body, from the client ----

  onRequestData(chunk: Buffer): void {
    const worker = this.worker;
    if (worker === null) return;
    this.deadline = Date.now() + this.options.readTimeout;
    let more: boolean;
    if (this.request.chunked) {
      worker.socket.cork();
      worker.write(`${chunk.length.toString(16)}\r\n`);
      worker.write(chunk);
      more = worker.write('\r\n');
      worker.socket.uncork();
    } else {
      more = worker.write(chunk);
    }
    if (!more) this.request.channel.pauseBody();
  }

  onRequestEnd(): void {
    if (this.request.chunked) this.worker?.write('0\r\n\r\n');
  }

  onUpstreamDrain(): void {
    if (!this.request.complete) this.request.channel.resumeBody();
  }

  // ---- the response, from the worker ----

  cork(): void {
    this.request.channel.cork();
  }

  uncork(): void {
    this.request.channel.uncork();
  }

  onResponseHead(status: number, reason: string, headers: string[]): void {
    this.deadline = Date.now() + this.options.readTimeout;
    const head = responseHead(headers);
    const bodiless = this.method === 'HEAD' || status === 204 || status === 304;
    this.request.channel.writeHead(this.request, status, reason, head.lines, bodiless ? 'none' : head.hasLength ? 'length' : 'stream', head.hasDate);
  }

  onResponseData(chunk: Buffer): void {
    this.deadline = Date.now() + this.options.readTimeout;
    const client = this.request.channel;
    if (!client.writeBody(chunk)) {
      const worker = this.worker;
      if (worker === null) return;
      worker.pauseReading();
      // proxy_read_timeout counts waiting for the worker, not for a slow client (send_timeout's).
      this.deadline = 0;
      // Only while the connection is still this exchange's: later it carries another response.
      client.onDrain(() => {
        if (this.worker !== worker) return;
        this.deadline = Date.now() + this.options.readTimeout;
        worker.resumeReading();
      });
    }
  }

  onResponseEnd(): void {
    this.worker = null;
    this.#finish();
    this.request.channel.endResponse(this.request);
  }

  onUpstreamError(reason: 'closed' | 'protocol', responded: boolean): void {
    const failed = this.upstream;
    this.worker = null;
    this.#finish();
    if (this.clientGone) return;
    const client = this.request.channel;
    if (responded || client.responseStarted) {
      client.abort();
      return;
    }
    if (this.timedOut) {
      sendError(this.request, 504, `the app worker (pid ${failed?.pid ?? '?'}) timed out and was killed`);
    } else if (this.#readTimedOut) {
      sendError(this.request, 504, `the app did not answer within proxy_read_timeout (${this.options.readTimeout / 1000}s)`);
    } else if (reason === 'closed' && idempotent.has(this.method) && !this.hasBody && this.attempts < 2) {
      this.avoid = failed;
      this.dispatcher.submit(this);
    } else {
      sendError(this.request, 502, reason === 'protocol' ? 'the app worker sent a response that is not valid HTTP' : 'the app worker closed the connection before answering');
    }
  }

  // ---- InFlight ----

  /** proxy_read_timeout passed (the front's sweep calls this). */
  expire(): void {
    const worker = this.worker;
    if (worker === null) return;
    this.#readTimedOut = true;
    worker.destroy();
    // Whether the response had started is the client connection's to say.
    this.onUpstreamError('closed', false);
  }

  // ---- ResponseOwner ----

  onClientClose(): void {
    this.clientGone = true;
    this.dispatcher.cancel(this);
    const worker = this.worker;
    this.worker = null;
    // The worker sees its connection close: the app's AbortSignal fires.
    worker?.destroy();
    this.#finish();
  }

  /** The request body cannot go on (too large, too slow): the worker must not get the rest. */
  cancel(): void {
    this.dispatcher.cancel(this);
    const worker = this.worker;
    this.worker = null;
    worker?.destroy();
    this.#finish();
  }

  #finish(): void {
    this.deadline = 0;
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null) {
      upstream.end(this);
      this.options.onDone(upstream);
    }
  }
}
