// The front role: listens on the handles the master bound, routes each request to its
// server and location, answers `return`s itself, and proxies the rest to the app workers the
// master tells it about. It stops gracefully on the master's word.

import net from 'node:net';
import type { EdgeConfig, ServerConfig } from '../config/types.ts';
import type { FrontSpec, FrontToMaster, MasterToFront, WorkerView } from '../ipc.ts';
import { configureLog, log, reopenLog } from '../log.ts';
import { listenKey } from '../master/listeners.ts';
import { decodeTicketKeys } from '../tls/ticket-keys.ts';
import { AppDispatcher } from './dispatcher.ts';
import { buildRoutes, handleRequest, refuseBody } from './handle-request.ts';
import type { Routes, Site } from './handle-request.ts';
import type { Http2Limits } from './http2-session.ts';
import { alpnProtocols, createListener } from './listener.ts';
import type { ClientRequest, ConnectionHooks, FrontConnection } from './request.ts';
import { buildAddressRouter } from './router.ts';
import { loadMimeTypes } from './static/content-type.ts';
import { TlsContexts, applyTicketKeys } from './tls-contexts.ts';
import { Upstream } from './upstream.ts';

/** How long a draining front leaves idle keep-alive connections open before closing them. */
const idleGraceMs = 1000;

class Front {
  readonly config: EdgeConfig;
  readonly generation: number;
  readonly dispatchers = new Map<string, AppDispatcher>();
  readonly upstreams = new Map<number, Upstream>();
  readonly servers = new Map<string, net.Server>();
  readonly routes: Routes;
  readonly connections = new Set<FrontConnection>();
  readonly tls: TlsContexts;
  #ticketKeys: Buffer | null = null;
  readonly #hooks: ConnectionHooks;
  #expectedListeners: number;
  #stopping = false;
  #open = 0;
  #served = 0;

  constructor(spec: FrontSpec) {
    this.config = spec.config;
    this.generation = spec.generation;
    this.#expectedListeners = spec.listeners.length;
    this.tls = new TlsContexts(spec.config.servers, spec.tls);
    if (spec.ticketKeys !== null) this.#ticketKeys = decodeTicketKeys(spec.ticketKeys);
    for (const app of spec.config.apps) this.dispatchers.set(app.name, new AppDispatcher(app));
    const onDone = (upstream: Upstream): void => this.#onWorkerDone(upstream);
    this.routes = buildRoutes(spec.config.servers, this.dispatchers, onDone);
    let shortest = 1000;
    for (const server of spec.config.servers) {
      shortest = Math.min(shortest, server.clientHeaderTimeout, server.clientBodyTimeout, server.sendTimeout, server.keepaliveTimeout || shortest);
      for (const location of server.locations) shortest = Math.min(shortest, location.proxyReadTimeout);
    }
    this.#hooks = {
      handle: () => {},
      refuseBody,
      stopping: () => this.#stopping,
      closed: (connection) => {
        this.connections.delete(connection);
        if (this.#stopping) this.#exitWhenIdle();
      },
    };
    // Timeouts are deadlines checked a few times per shortest timeout; nothing per request.
    setInterval(() => this.#sweep(), Math.max(10, Math.min(250, shortest / 8))).unref();
  }

  /** Memory and counts for `edge status`, once a second. */
  heartbeat(): void {
    send({ type: 'front:heartbeat', rss: process.memoryUsage.rss(), served: this.#served, inFlight: this.#open });
  }

  listen(key: string, handle: unknown): void {
    const site: Site = { router: buildAddressRouter(this.config.servers, key), port: 0 };
    // Connection-level limits come from the first server on the address, as in nginx.
    const primary = this.config.servers.find((s) => s.listen.some((l) => listenKey(l) === key)) as ServerConfig;
    const limits: Http2Limits = {
      headerTimeout: primary.clientHeaderTimeout,
      keepaliveTimeout: primary.keepaliveTimeout,
      keepaliveRequests: primary.keepaliveRequests,
      bodyTimeout: primary.clientBodyTimeout,
      sendTimeout: primary.sendTimeout,
      maxHeaderSize: primary.largeClientHeaderBuffers.count * primary.largeClientHeaderBuffers.size,
      maxLineSize: primary.largeClientHeaderBuffers.size,
      h2c: null,
      maxConcurrentStreams: primary.http2MaxConcurrentStreams,
    };
    // ssl and http2 belong to the address: one `listen` with them is enough, as in nginx.
    const listens = this.config.servers.flatMap((s) => s.listen.filter((l) => listenKey(l) === key));
    const http2 = listens.some((l) => l.http2);
    const hooks: ConnectionHooks = { ...this.#hooks, handle: (request) => this.#handle(site, request) };
    const onListenError = (error: NodeJS.ErrnoException): void => {
      const reason = error.code === 'EADDRINUSE' ? 'the address is already in use' : error.message;
      send({ type: 'front:failed', message: `cannot listen on ${key}: ${reason}` });
      setTimeout(() => process.exit(1), 50);
    };
    let server: net.Server;
    try {
      const tls = listens.some((l) => l.ssl) ? this.tls.serverOptions(key, site.router, alpnProtocols(http2), primary.clientHeaderTimeout) : null;
      server = createListener({ http2, tls, limits, hooks, track: (connection) => this.connections.add(connection) });
      if (this.#ticketKeys !== null) applyTicketKeys([server], this.#ticketKeys);
    } catch (error) {
      onListenError(error as NodeJS.ErrnoException);
      return;
    }
    server.once('error', onListenError);
    server.listen(handle as never, () => {
      server.off('error', onListenError);
      const address = server.address();
      if (address !== null && typeof address === 'object') site.port = address.port;
      // Later errors (accept failing for lack of file descriptors) are logged; the front serves on.
      server.on('error', (error) => log.error(`${key}: ${error.message}`));
      this.servers.set(key, server);
      if (this.servers.size === this.#expectedListeners) send({ type: 'front:ready', pid: process.pid });
    });
  }

  /** The session ticket keys every TLS address of this front uses (48 bytes; the master rotates them). */
  setTicketKeys(keys: Buffer): void {
    this.#ticketKeys = keys;
    applyTicketKeys(this.servers.values(), keys);
  }

  #handle(site: Site, request: ClientRequest): void {
    this.#open++;
    this.#served++;
    request.onDone = this.#onResponseDone;
    handleRequest(site, this.routes, request);
  }

  readonly #onResponseDone = (): void => {
    this.#open--;
    if (this.#stopping) this.#exitWhenIdle();
  };

  #sweep(): void {
    const now = Date.now();
    for (const connection of this.connections) if (connection.deadline !== 0 && connection.deadline <= now) connection.expire();
    for (const upstream of this.upstreams.values()) {
      for (const request of upstream.active) if (request.deadline !== 0 && request.deadline <= now) request.expire();
    }
  }

  #onWorkerDone(upstream: Upstream): void {
    const dispatcher = this.dispatchers.get(upstream.app);
    if (upstream.state === 'ready') dispatcher?.drain();
    else if (upstream.inFlight === 0 && upstream.state === 'draining') this.#release(upstream);
  }

  /** The master's table of workers: start, drain and forget upstreams to match it. */
  setWorkers(views: readonly WorkerView[]): void {
    const seen = new Set<number>();
    for (const view of views) {
      seen.add(view.id);
      let upstream = this.upstreams.get(view.id);
      const dispatcher = this.dispatchers.get(view.app);
      if (dispatcher === undefined) continue;
      if (upstream === undefined) {
        upstream = new Upstream(view, dispatcher.capacity);
        this.upstreams.set(view.id, upstream);
      }
      if (upstream.state === 'ready' && view.state === 'draining') {
        upstream.state = 'draining';
        if (upstream.inFlight === 0) this.#release(upstream);
      }
    }
    for (const [id, upstream] of this.upstreams) {
      if (seen.has(id)) continue;
      upstream.state = 'gone';
      this.upstreams.delete(id);
      // Requests still on it fail fast and are retried elsewhere when they may be.
      upstream.destroy();
    }
    for (const dispatcher of this.dispatchers.values()) {
      dispatcher.upstreams = [...this.upstreams.values()].filter((u) => u.app === dispatcher.app.name && u.state === 'ready');
      dispatcher.drain();
    }
  }

  #release(upstream: Upstream): void {
    upstream.close();
    send({ type: 'front:released', id: upstream.id });
  }

  /**
   * The master is about to kill a hung worker. Requests sent to it before it hung may be
   * what hung it: they get 504 and are not retried, or they would hang another worker.
   * Those sent later were never seen by the app and follow the usual retry rules.
   */
  workerTimedOut(id: number, pid: number, hungSince: number): void {
    const upstream = this.upstreams.get(id);
    if (upstream !== undefined) {
      upstream.state = 'gone';
      const now = Date.now();
      for (const request of upstream.active) {
        if (request.startedAt > hungSince) continue;
        request.timedOut = true;
        log.error(`WORKER TIMEOUT (pid ${pid}) while serving ${request.method} ${request.path} for ${((now - request.startedAt) / 1000).toFixed(1)}s: answered 504`);
      }
      const dispatcher = this.dispatchers.get(upstream.app);
      if (dispatcher) dispatcher.upstreams = dispatcher.upstreams.filter((u) => u !== upstream);
    }
    send({ type: 'front:timeout-noted', id });
  }

  /**
   * Graceful stop: stop accepting, let in-flight requests finish, and tell each keep-alive
   * client `Connection: close` on its next response, so busy clients move on cleanly instead
   * of finding their connection closed under a request. Connections still idle after a
   * moment are closed; the master's graceful_timeout bounds the whole.
   */
  stop(mode: 'graceful' | 'quick'): void {
    if (mode === 'quick') process.exit(0);
    if (this.#stopping) return;
    this.#stopping = true;
    for (const server of this.servers.values()) server.close();
    setInterval(() => {
      for (const connection of this.connections) connection.closeIfIdle();
      this.#exitWhenIdle();
    }, idleGraceMs).unref();
    this.#exitWhenIdle();
  }

  #exitWhenIdle(): void {
    if (this.#open === 0 && this.connections.size === 0) setImmediate(() => process.exit(0));
  }
}

/** Loads what serving files needs when a location of the configuration does. */
async function servesFiles(config: EdgeConfig): Promise<void> {
  if (config.servers.some((s) => s.locations.some((l) => l.root !== null || l.alias !== null))) await loadMimeTypes();
}

function send(message: FrontToMaster): void {
  if (process.connected) process.send?.(message);
}

export function runFront(): void {
  if (process.send === undefined) {
    process.stderr.write('edge: the front role is started by the edge master, not by hand\n');
    process.exitCode = 1;
    return;
  }
  let front: Front | null = null;
  // Until the front exists (its start may wait for modules to load), messages wait here.
  const early: Array<[MasterToFront, unknown]> = [];
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => front?.stop('graceful'));
  process.on('SIGQUIT', () => process.exit(0));
  // SIGHUP is the master's (reload); a hang-up sent to the whole process group must not kill fronts.
  process.on('SIGHUP', () => {});
  process.on('SIGINT', () => process.exit(0));
  // The master forwards logrotate's SIGUSR1 (without a handler Node would open its inspector).
  process.on('SIGUSR1', reopenLog);
  const deliver = (f: Front, message: MasterToFront, handle: unknown): void => {
    switch (message.type) {
      case 'front:start':
        return;
      case 'front:listener':
        f.listen(message.key, handle);
        return;
      case 'front:workers':
        f.setWorkers(message.workers);
        return;
      case 'front:worker-timeout':
        f.workerTimedOut(message.id, message.pid, message.hungSince);
        return;
      case 'front:stop':
        f.stop(message.mode);
        return;
      case 'front:ticket-keys':
        f.setTicketKeys(decodeTicketKeys(message.keys));
        return;
    }
  };
  process.on('message', (message: MasterToFront, handle: unknown) => {
    if (front !== null) {
      deliver(front, message, handle);
      return;
    }
    if (message.type !== 'front:start') {
      early.push([message, handle]);
      return;
    }
    configureLog(message.spec.config.errorLog, 'front');
    void servesFiles(message.spec.config).then(() => {
      const started = new Front(message.spec);
      front = started;
      setInterval(() => started.heartbeat(), 1000).unref();
      for (const [m, h] of early.splice(0)) deliver(started, m, h);
    });
  });
}
