// One proxied request, from the client's request to the worker's response: an undici
// dispatch handler (the lightest of its APIs) that streams both bodies with backpressure.
// Failures before the first response byte: idempotent bodiless requests are retried once on
// another worker, others get 502 (504 for a timeout); after it, the client connection is
// closed, so the client sees a truncated response rather than a corrupt one.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AppDispatcher, Job } from './dispatcher.ts';
import { sendError } from './error-response.ts';
import { responseHeaderList } from './forwarded.ts';
import type { InFlight, Upstream } from './upstream.ts';

const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
// The connection to the worker broke: nothing of the request can have been processed twice
// for an idempotent request, so another worker may take it.
const connectionErrors = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOENT',
]);
const timeoutErrors = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** `onDone` is told each time a worker finishes with the request (it has room again). */
function uncork(res: ServerResponse): void {
  res.uncork();
}

export type ProxyOptions = { readTimeout: number; onDone: (upstream: Upstream) => void };

export class Exchange implements Dispatcher.DispatchHandler, InFlight, Job {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly startedAt = Date.now();
  readonly headers: string[];
  readonly dispatcher: AppDispatcher;
  readonly options: ProxyOptions;
  readonly hasBody: boolean;
  timedOut = false;
  avoid: Upstream | null = null;
  queued = false;
  timer: NodeJS.Timeout | null = null;
  upstream: Upstream | null = null;
  controller: Dispatcher.DispatchController | null = null;
  attempts = 0;
  finished = false;
  clientGone = false;

  constructor(req: IncomingMessage, res: ServerResponse, headers: string[], dispatcher: AppDispatcher, options: ProxyOptions) {
    this.req = req;
    this.res = res;
    this.method = req.method ?? 'GET';
    this.path = req.url ?? '/';
    this.headers = headers;
    this.dispatcher = dispatcher;
    this.options = options;
    const length = req.headers['content-length'];
    this.hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  }

  run(): void {
    this.dispatcher.submit(this);
  }

  // ---- Job ----

  start(upstream: Upstream): void {
    if (this.clientGone) return;
    this.attempts++;
    this.upstream = upstream;
    upstream.begin(this);
    const timeout = this.options.readTimeout;
    upstream.pool.dispatch(
      {
        path: this.path,
        method: this.method,
        headers: this.headers,
        body: this.hasBody ? this.req : null,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      },
      this,
    );
  }

  reject(status: number, detail: string, headers: Record<string, string>): void {
    this.#finish();
    sendError(this.res, status, detail, headers);
  }

  // ---- InFlight ----

  abort(): void {
    this.controller?.abort(new Error('aborted by edge'));
  }

  // ---- undici handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new Error('the client went away'));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) return;
    const res = this.res;
    if (headers.date !== undefined) res.sendDate = false;
    try {
      res.writeHead(statusCode, statusMessage ?? '', responseHeaderList(headers));
    } catch (error) {
      controller.abort(error as Error);
      return;
    }
    // A small response arrives whole in this tick: head, body and end leave in one write.
    res.cork();
    process.nextTick(uncork, res);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.res.end();
    this.#finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const failed = this.upstream;
    this.#finish();
    if (this.clientGone) return;
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    if (this.timedOut) {
      sendError(this.res, 504, `the app worker (pid ${failed?.pid ?? '?'}) timed out and was killed`);
    } else if (timeoutErrors.has(code)) {
      sendError(this.res, 504, `the app did not answer within proxy_read_timeout (${this.options.readTimeout / 1000}s)`);
    } else if (connectionErrors.has(code) && idempotent.has(this.method) && !this.hasBody && this.attempts < 2) {
      this.finished = false;
      this.avoid = failed;
      this.dispatcher.submit(this);
    } else {
      sendError(this.res, 502, 'the app worker closed the connection before answering');
    }
  }

  // ----

  #finish(): void {
    if (this.finished) return;
    this.finished = true;
    const upstream = this.upstream;
    this.upstream = null;
    if (upstream !== null) {
      upstream.end(this);
      this.options.onDone(upstream);
    }
  }

  /** The front calls this when the client's response closes (its one 'close' listener). */
  onClientClose(): void {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.dispatcher.cancel(this);
    this.controller?.abort(new Error('the client went away'));
  }
}
