// The master's arbiter, after gunicorn's: signal handlers and control commands only enqueue;
// the actions run one at a time, and a timer murders hung workers and restores the count.
// Verbs: spawn, reap, murder, manage, retire, reload, halt.

import { rmSync, writeFileSync } from 'node:fs';
import type { AppConfig, EdgeConfig } from '../config/types.ts';
import type { LoadResult } from '../config/load.ts';
import { EdgeError, formatError } from '../errors.ts';
import type { ControlReply, ControlRequest, FrontToMaster, ProcessStatus, WorkerToMaster, WorkerView } from '../ipc.ts';
import { log, reopenLog } from '../log.ts';
import {
  heartbeatInterval,
  onFrontMessage,
  onWorkerMessage,
  sendToFront,
  sendToWorker,
  signal,
  spawnFront,
  spawnWorker,
} from './children.ts';
import type { FrontRecord, WorkerRecord } from './children.ts';
import { startControlServer } from './control-server.ts';
import { bindListeners } from './listeners.ts';
import type { BoundListener } from './listeners.ts';
import { Backoff } from './backoff.ts';
import { cleanRunDirectory, prepareRunDirectory } from './run-dir.ts';
import { installSignals } from './signals.ts';

type Generation = { id: number; config: EdgeConfig; wanted: Map<string, number>; fronts: Set<FrontRecord> };

type Action =
  | { kind: 'reload'; reply?: (r: ControlReply) => void }
  | { kind: 'halt'; mode: 'graceful' | 'quick' }
  | { kind: 'scale'; delta: number }
  | { kind: 'reopen' }
  | { kind: 'upgrade' };


export class Arbiter {
  #runDir: string;
  #reloadConfig: () => LoadResult;
  #listeners = new Map<string, BoundListener>();
  #current: Generation;
  #generations = new Map<number, Generation>();
  #workers = new Set<WorkerRecord>();
  #fronts = new Set<FrontRecord>();
  #nextWorkerId = 1;
  #nextGeneration = 1;
  #queue: Action[] = [];
  #busy = false;
  /** Until the first generation serves, actions wait; a stop ends the start-up instead. */
  #starting = true;
  #stopDuringStart = false;
  #halting: 'graceful' | 'quick' | null = null;
  #backoff = new Backoff();
  #removeSignals: () => void = () => {};
  #timers: NodeJS.Timeout[] = [];
  #done: (code: number) => void = () => {};
  #exitCode = 0;
  #finished = false;
  #closeControl: () => void = () => {};

  constructor(config: EdgeConfig, runDir: string, reloadConfig: () => LoadResult) {
    this.#runDir = runDir;
    this.#reloadConfig = reloadConfig;
    this.#current = this.#newGeneration(config);
  }

  /** Starts everything; resolves with the exit code once edge has stopped. */
  async run(): Promise<number> {
    const finished = new Promise<number>((resolve) => (this.#done = resolve));
    // From the very start: a signal must never find the master without its handlers.
    this.#removeSignals = installSignals((action) => this.#enqueue(action));
    prepareRunDirectory(this.#runDir);
    const config = this.#current.config;
    try {
      this.#listeners = await bindListeners(config, new Map());
      this.#closeControl = await startControlServer(this.#runDir, (request, reply) => this.#control(request, reply));
      if (config.pid !== null) writeFileSync(config.pid, `${process.pid}\n`);
      this.#checkStopDuringStart();
      await this.#startGeneration(this.#current);
    } catch (error) {
      if (this.#stopDuringStart) this.#endStartUp();
      else this.#fail(error);
      return finished;
    }
    this.#starting = false;
    const urls = [...this.#listeners.values()].map((l) => l.url).join(', ');
    log.info(`edge ${process.pid} serving on ${urls} with ${this.#countWorkers()} workers`);
    const tick = Math.min(...config.apps.map(heartbeatInterval), 1000);
    this.#timers.push(setInterval(() => this.#tick(), tick));
    if (this.#queue.length > 0) void this.#drainQueue();
    return finished;
  }

  // A stop asked for while starting: nothing serves yet, so the booting processes are stopped
  // at once and edge exits 0 (the start-up fails with that reason, caught in run()).
  #stopStartUp(): void {
    if (this.#stopDuringStart) return;
    this.#stopDuringStart = true;
    // Halting: processes that exit now are neither failures nor replaced.
    this.#halting = 'quick';
    log.info('stopping during start-up');
    for (const f of this.#fronts) signal(f.child, 'SIGQUIT');
    for (const w of this.#workers) signal(w.child, 'SIGQUIT');
    this.#timers.push(setTimeout(() => this.#killAll(), 2000));
  }

  #checkStopDuringStart(): void {
    if (this.#stopDuringStart) throw new Error('stopped during start-up');
  }

  // Start-up ended (a failure, or a stop asked for): close everything and kill what runs.
  #endStartUp(): void {
    this.#halting = 'quick';
    for (const l of this.#listeners.values()) l.handle.close();
    this.#listeners.clear();
    this.#closeControl();
    this.#killAll();
    this.#maybeFinished();
  }

  // ---- generations ---------------------------------------------------------------------

  #newGeneration(config: EdgeConfig): Generation {
    const gen: Generation = {
      id: this.#nextGeneration++,
      config,
      wanted: new Map(config.apps.map((a) => [a.name, a.workers])),
      fronts: new Set(),
    };
    this.#generations.set(gen.id, gen);
    return gen;
  }

  /** Boots the generation's workers, then its fronts; rejects with the first failure. */
  async #startGeneration(gen: Generation): Promise<void> {
    const booting: WorkerRecord[] = [];
    for (const app of gen.config.apps) {
      for (let i = 0; i < (gen.wanted.get(app.name) ?? 0); i++) booting.push(this.#spawnWorker(gen, app));
    }
    try {
      await Promise.all(booting.map((w) => this.#whenReady(w)));
      this.#checkStopDuringStart();
      const fronts: FrontRecord[] = [];
      for (let i = 0; i < gen.config.frontProcesses; i++) fronts.push(this.#spawnFront(gen));
      await Promise.all(fronts.map((f) => this.#whenFrontReady(f)));
    } catch (error) {
      for (const w of this.#workers) if (w.generation === gen.id) this.#kill(w);
      for (const f of gen.fronts) signal(f.child, 'SIGKILL');
      throw error;
    }
  }

  #whenReady(worker: WorkerRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (worker.state === 'ready' || worker.state === 'draining') resolve();
        else if (worker.state !== 'booting') {
          reject(new EdgeError('EDGE_ERR_APP_BOOT', `worker ${worker.pid} failed to boot the app: ${worker.bootError ?? 'it exited before it was ready'}`));
        } else setTimeout(check, 10);
      };
      check();
    });
  }

  #whenFrontReady(front: FrontRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (front.state === 'ready') resolve();
        else if (front.state === 'dead') reject(new EdgeError('EDGE_ERR_LISTEN', front.failure ?? `front ${front.pid} exited before it was ready`));
        else setTimeout(check, 10);
      };
      check();
    });
  }

  // ---- workers ---------------------------------------------------------------------------

  #spawnWorker(gen: Generation, app: AppConfig): WorkerRecord {
    const worker = spawnWorker(this.#nextWorkerId++, gen.id, app, this.#runDir);
    this.#workers.add(worker);
    log.debug(`booting worker ${worker.pid} (id ${worker.id}, generation ${gen.id}, app ${app.name})`);
    onWorkerMessage(worker, (message) => this.#onWorkerMessage(worker, message));
    worker.child.once('exit', (code, sig) => this.#reap(worker, code, sig));
    return worker;
  }

  #onWorkerMessage(worker: WorkerRecord, message: WorkerToMaster): void {
    switch (message.type) {
      case 'worker:ready': {
        if (worker.state !== 'booting') return;
        worker.state = 'ready';
        worker.readyAt = worker.lastBeat = Date.now();
        log.debug(`worker ${worker.pid} ready (${message.form})`);
        this.#publishWorkers(worker.generation);
        const replaced = [...this.#workers].find((w) => w.replacedBy === worker);
        if (replaced) this.#retire(replaced, 'recycled');
        return;
      }
      case 'worker:heartbeat':
        worker.lastBeat = Date.now();
        worker.rss = message.rss;
        worker.served = message.served;
        worker.inFlight = message.inFlight;
        worker.connections = message.connections;
        this.#checkRecycle(worker);
        return;
      case 'worker:failed':
        worker.bootError = message.message;
        return;
    }
  }

  #checkRecycle(worker: WorkerRecord): void {
    if (worker.state !== 'ready' || worker.replacedBy !== null || this.#halting) return;
    let reason: string | null = null;
    if (worker.maxRequests > 0 && worker.served >= worker.maxRequests) reason = `served ${worker.served} requests (max_requests ${worker.maxRequests})`;
    else if (worker.app.maxMemory > 0 && worker.rss > worker.app.maxMemory) {
      reason = `uses ${Math.round(worker.rss / 1048576)} MiB (max_memory ${Math.round(worker.app.maxMemory / 1048576)} MiB)`;
    }
    if (reason === null) return;
    const gen = this.#generationOf(worker);
    if (gen === null) return;
    log.info(`recycling worker ${worker.pid}: ${reason}; its replacement starts first`);
    worker.replacedBy = this.#spawnWorker(gen, worker.app);
  }

  /** Stops sending it requests; once every front has released it, it stops gracefully. */
  #retire(worker: WorkerRecord, why: string): void {
    if (worker.state !== 'ready' && worker.state !== 'booting') return;
    log.debug(`retiring worker ${worker.pid} (${why})`);
    worker.state = 'draining';
    const fronts = [...this.#fronts].filter((f) => f.generation === worker.generation && f.state !== 'dead');
    for (const f of fronts) worker.awaitingRelease.add(f.pid);
    this.#publishWorkers(worker.generation);
    if (worker.awaitingRelease.size === 0) this.#stopWorker(worker);
    else worker.timers.push(setTimeout(() => this.#stopWorker(worker), worker.app.gracefulTimeout));
  }

  #stopWorker(worker: WorkerRecord): void {
    if (worker.state === 'stopping' || worker.state === 'dead' || worker.state === 'killed') return;
    worker.state = 'stopping';
    this.#publishWorkers(worker.generation);
    // The hooks apps already have: SIGTERM (gunicorn, Docker), then PM2's 'shutdown'.
    signal(worker.child, 'SIGTERM');
    sendToWorker(worker, 'shutdown');
    worker.timers.push(setTimeout(() => this.#kill(worker), worker.app.gracefulTimeout));
  }

  #kill(worker: WorkerRecord): void {
    if (worker.state !== 'dead') worker.state = 'killed';
    signal(worker.child, 'SIGKILL');
  }

  #reap(worker: WorkerRecord, code: number | null, sig: NodeJS.Signals | null): void {
    const was = worker.state;
    worker.state = 'dead';
    for (const t of worker.timers) clearTimeout(t);
    this.#workers.delete(worker);
    this.#publishWorkers(worker.generation);
    const how = sig ?? `code ${code}`;
    if (this.#halting) {
      this.#maybeFinished();
      return;
    }
    const gen = this.#generationOf(worker);
    if (was === 'booting') {
      // A failure of a starting generation is reported by #startGeneration; a replacement
      // that fails to boot backs off.
      if (gen !== null && this.#isLive(gen)) {
        log.error(`worker ${worker.pid} failed to boot (${how}): ${worker.bootError ?? 'exited before it was ready'}`);
        this.#noteFailure(worker);
      }
    } else if (was === 'ready') {
      log.warn(`worker ${worker.pid} exited unexpectedly (${how}); replacing it`);
      this.#noteFailure(worker);
    } else if (was === 'killed') {
      this.#noteFailure(worker);
    }
    for (const w of this.#workers) if (w.replacedBy === worker) w.replacedBy = null;
    this.#forgetIfDone(worker.generation);
    this.#manage();
  }

  #noteFailure(worker: WorkerRecord): void {
    const { failures, delayMs } = this.#backoff.failed(worker.app.name, worker.readyAt);
    if (delayMs > 0) log.warn(`app ${worker.app.name}: ${failures} worker failures in a row; next start in ${delayMs} ms`);
  }

  /** Restores the wanted number of workers of the live generation. */
  #manage(): void {
    if (this.#halting) return;
    const gen = this.#current;
    for (const app of gen.config.apps) {
      const active = [...this.#workers].filter(
        (w) => w.generation === gen.id && w.app.name === app.name && (w.state === 'booting' || w.state === 'ready') && !this.#isReplacement(w),
      );
      const wanted = gen.wanted.get(app.name) ?? 0;
      if (active.length < wanted) {
        if (!this.#backoff.mayStart(app.name)) continue;
        for (let i = active.length; i < wanted; i++) this.#spawnWorker(gen, app);
      } else if (active.length > wanted) {
        const extra = active.filter((w) => w.state === 'ready').slice(0, active.length - wanted);
        for (const w of extra) this.#retire(w, 'fewer workers wanted');
      }
    }
  }

  #isReplacement(worker: WorkerRecord): boolean {
    for (const w of this.#workers) if (w.replacedBy === worker && w.state === 'ready') return true;
    return false;
  }

  /** Hung workers: no heartbeat for `timeout` (WORKER TIMEOUT), or not booted in time. */
  #murder(): void {
    const now = Date.now();
    for (const worker of this.#workers) {
      if (worker.state === 'booting') {
        if (now - worker.startedAt > worker.app.bootTimeout + 2000) {
          worker.bootError = `not ready within boot_timeout (${worker.app.bootTimeout / 1000}s)`;
          this.#kill(worker);
        }
        continue;
      }
      if (worker.state !== 'ready' && worker.state !== 'draining' && worker.state !== 'stopping') continue;
      const silent = now - worker.lastBeat;
      if (silent <= worker.app.timeout) continue;
      worker.state = 'killed';
      log.error(`WORKER TIMEOUT (pid ${worker.pid}): no heartbeat for ${(silent / 1000).toFixed(1)}s (timeout ${worker.app.timeout / 1000}s); killing it`);
      const fronts = [...this.#fronts].filter((f) => f.state !== 'dead');
      // It hung after its last heartbeat and before the next one was due.
      const hungSince = worker.lastBeat + heartbeatInterval(worker.app);
      for (const f of fronts) sendToFront(f, { type: 'front:worker-timeout', id: worker.id, pid: worker.pid, hungSince });
      // The fronts answer its requests 504 (not retried elsewhere: they hung this worker).
      worker.timers.push(setTimeout(() => signal(worker.child, 'SIGKILL'), fronts.length > 0 ? 200 : 0));
      worker.awaitingRelease = new Set(fronts.map((f) => f.pid));
    }
  }

  #tick(): void {
    this.#murder();
    this.#manage();
  }

  // ---- fronts --------------------------------------------------------------------------

  #spawnFront(gen: Generation): FrontRecord {
    const front = spawnFront(gen.id);
    this.#fronts.add(front);
    gen.fronts.add(front);
    onFrontMessage(front, (message) => this.#onFrontMessage(front, message));
    front.child.once('exit', (code, sig) => this.#reapFront(front, code, sig));
    const listeners = [...this.#listeners.values()].map(({ key, url }) => ({ key, url }));
    sendToFront(front, { type: 'front:start', spec: { generation: gen.id, config: gen.config, listeners } });
    sendToFront(front, { type: 'front:workers', workers: this.#workerViews(gen.id) });
    for (const l of this.#listeners.values()) sendToFront(front, { type: 'front:listener', key: l.key }, l.handle);
    return front;
  }

  #onFrontMessage(front: FrontRecord, message: FrontToMaster): void {
    switch (message.type) {
      case 'front:ready':
        if (front.state === 'booting') front.state = 'ready';
        return;
      case 'front:failed':
        front.failure = message.message;
        return;
      case 'front:heartbeat':
        front.rss = message.rss;
        front.served = message.served;
        front.inFlight = message.inFlight;
        return;
      case 'front:released':
      case 'front:timeout-noted': {
        const worker = [...this.#workers].find((w) => w.id === message.id);
        if (worker === undefined) return;
        worker.awaitingRelease.delete(front.pid);
        if (worker.awaitingRelease.size === 0 && worker.state === 'draining') this.#stopWorker(worker);
        return;
      }
    }
  }

  #reapFront(front: FrontRecord, code: number | null, sig: NodeJS.Signals | null): void {
    const was = front.state;
    front.state = 'dead';
    this.#fronts.delete(front);
    for (const w of this.#workers) {
      if (w.awaitingRelease.delete(front.pid) && w.awaitingRelease.size === 0 && w.state === 'draining') this.#stopWorker(w);
    }
    if (this.#halting) {
      this.#afterFrontsGone();
      this.#maybeFinished();
      return;
    }
    const gen = this.#generationOf(front);
    if (gen === this.#current && was === 'ready') {
      log.error(`front ${front.pid} exited unexpectedly (${sig ?? `code ${code}`}); starting another`);
      gen.fronts.delete(front);
      this.#spawnFront(gen);
    } else if (gen !== null && gen !== this.#current) {
      gen.fronts.delete(front);
      if (gen.fronts.size === 0) this.#retireGeneration(gen);
      this.#forgetIfDone(gen.id);
    }
  }

  #workerViews(generation: number): WorkerView[] {
    const views: WorkerView[] = [];
    for (const w of this.#workers) {
      if (w.generation !== generation) continue;
      if (w.state === 'ready' || w.state === 'draining') {
        views.push({ id: w.id, pid: w.pid, app: w.app.name, socketPath: w.socketPath, state: w.state });
      }
    }
    return views;
  }

  #publishWorkers(generation: number): void {
    const workers = this.#workerViews(generation);
    for (const f of this.#fronts) if (f.generation === generation) sendToFront(f, { type: 'front:workers', workers });
  }

  // ---- reload, scale, halt -----------------------------------------------------------------

  #enqueue(action: Action): void {
    // Instant and harmless at any time: not queued behind a reload.
    if (action.kind === 'reopen') {
      this.#reopenLogs();
      return;
    }
    if (action.kind === 'upgrade') {
      log.warn('SIGUSR2 (binary upgrade) is not supported yet: edge keeps running; to switch to a new executable, restart it (edge reload re-reads the configuration and restarts the workers)');
      return;
    }
    if (this.#starting) {
      if (action.kind === 'halt') this.#stopStartUp();
      else this.#queue.push(action);
      return;
    }
    this.#queue.push(action);
    if (!this.#busy) void this.#drainQueue();
  }

  #reopenLogs(): void {
    reopenLog();
    log.info('reopened the log file (SIGUSR1), and passed the signal on to fronts and workers');
    // Not to processes still starting: before edge's handler is installed, Node would take
    // SIGUSR1 as the signal to open its inspector.
    for (const f of this.#fronts) if (f.state === 'ready') signal(f.child, 'SIGUSR1');
    for (const w of this.#workers) if (w.state !== 'booting') signal(w.child, 'SIGUSR1');
  }

  async #drainQueue(): Promise<void> {
    this.#busy = true;
    while (this.#queue.length > 0) {
      const action = this.#queue.shift() as Action;
      if (action.kind === 'halt') this.#halt(action.mode);
      else if (this.#halting) continue;
      else if (action.kind === 'scale') this.#scale(action.delta);
      else if (action.kind === 'reload') {
        const reply = await this.#reload();
        action.reply?.(reply);
      }
    }
    this.#busy = false;
  }

  async #reload(): Promise<ControlReply> {
    log.info('reloading: reading the configuration again');
    const result = this.#reloadConfig();
    if (result.config === null) {
      for (const e of result.errors) log.error(`reload: ${formatError(e)}`);
      const message = `reload failed: the configuration has ${result.errors.length} error(s); the running generation keeps serving`;
      log.error(message);
      return { ok: false, message: [message, ...result.errors.map(formatError)].join('\n') };
    }
    const previous = this.#listeners;
    const gen = this.#newGeneration(result.config);
    try {
      this.#listeners = await bindListeners(result.config, previous);
      await this.#startGeneration(gen);
    } catch (error) {
      for (const [key, l] of this.#listeners) if (!previous.has(key)) l.handle.close();
      this.#listeners = previous;
      this.#generations.delete(gen.id);
      const reason = error instanceof EdgeError ? error.message : String(error);
      const message = `reload failed: ${reason}; the running generation keeps serving`;
      log.error(message);
      return { ok: false, message };
    }
    const old = this.#current;
    this.#current = gen;
    for (const [key, l] of previous) if (!this.#listeners.has(key)) l.handle.close();
    for (const f of old.fronts) {
      f.state = 'draining';
      sendToFront(f, { type: 'front:stop', mode: 'graceful' });
    }
    if (old.fronts.size === 0) this.#retireGeneration(old);
    const message = `reloaded: generation ${gen.id} serving with ${this.#countWorkers(gen.id)} workers; generation ${old.id} draining`;
    log.info(message);
    return { ok: true, message };
  }

  /** Its fronts are gone: no request can reach its workers any more. */
  #retireGeneration(gen: Generation): void {
    for (const w of this.#workers) if (w.generation === gen.id) this.#stopWorker(w);
  }

  #scale(delta: number): void {
    for (const app of this.#current.config.apps) {
      const wanted = Math.max(1, (this.#current.wanted.get(app.name) ?? 0) + delta);
      this.#current.wanted.set(app.name, wanted);
      log.info(`app ${app.name}: ${wanted} workers wanted`);
    }
    this.#manage();
  }

  #halt(mode: 'graceful' | 'quick'): void {
    if (this.#halting === 'quick' || this.#halting === mode) return;
    this.#halting = mode;
    log.info(mode === 'graceful' ? 'stopping gracefully: in-flight requests finish' : 'stopping now');
    // Closing the master's copies makes the kernel refuse new connections once fronts close theirs.
    for (const l of this.#listeners.values()) l.handle.close();
    this.#listeners.clear();
    this.#closeControl();
    if (mode === 'quick') {
      for (const f of this.#fronts) signal(f.child, 'SIGQUIT');
      for (const w of this.#workers) signal(w.child, 'SIGQUIT');
      this.#timers.push(setTimeout(() => this.#killAll(), 2000));
    } else {
      for (const f of this.#fronts) sendToFront(f, { type: 'front:stop', mode: 'graceful' });
      const grace = Math.max(this.#current.config.gracefulTimeout, ...this.#current.config.apps.map((a) => a.gracefulTimeout));
      this.#timers.push(setTimeout(() => this.#killAll(), grace));
      this.#afterFrontsGone();
    }
    this.#maybeFinished();
  }

  #afterFrontsGone(): void {
    if (this.#halting !== 'graceful' || this.#fronts.size > 0) return;
    for (const w of this.#workers) this.#stopWorker(w);
  }

  #killAll(): void {
    for (const f of this.#fronts) signal(f.child, 'SIGKILL');
    for (const w of this.#workers) signal(w.child, 'SIGKILL');
  }

  #maybeFinished(): void {
    if (this.#finished || this.#fronts.size > 0 || this.#workers.size > 0) return;
    this.#finished = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#removeSignals();
    const pid = this.#current.config.pid;
    if (pid !== null) rmSync(pid, { force: true });
    cleanRunDirectory(this.#runDir);
    log.info(`edge ${process.pid} stopped`);
    this.#done(this.#exitCode);
  }

  #fail(error: unknown): void {
    const message = error instanceof EdgeError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.error(message);
    this.#exitCode = error instanceof EdgeError ? error.exitCode : 1;
    this.#endStartUp();
  }

  // ---- control ---------------------------------------------------------------------------

  #control(request: ControlRequest, reply: (r: ControlReply) => void): void {
    switch (request.command) {
      case 'status':
        reply({ ok: true, message: 'status', status: { master: process.pid, processes: this.#status() } });
        return;
      case 'reload':
        this.#enqueue({ kind: 'reload', reply });
        return;
      case 'stop':
        reply({ ok: true, message: request.quick ? 'stopping now' : 'stopping gracefully' });
        this.#enqueue({ kind: 'halt', mode: request.quick ? 'quick' : 'graceful' });
        return;
      case 'scale':
        this.#enqueue({ kind: 'scale', delta: request.delta });
        reply({ ok: true, message: `scaling by ${request.delta}` });
        return;
      case 'reopen':
        this.#reopenLogs();
        reply({ ok: true, message: 'log file reopened' });
        return;
    }
  }

  #status(): ProcessStatus[] {
    const rows: ProcessStatus[] = [];
    for (const f of this.#fronts) {
      rows.push({ role: 'front', pid: f.pid, generation: f.generation, app: null, state: f.state, served: f.served, inFlight: f.inFlight, connections: 0, rss: f.rss, startedAt: f.startedAt });
    }
    for (const w of this.#workers) {
      rows.push({ role: 'worker', pid: w.pid, generation: w.generation, app: w.app.name, state: w.state, served: w.served, inFlight: w.inFlight, connections: w.connections, rss: w.rss, startedAt: w.startedAt });
    }
    return rows;
  }

  // ---- helpers -----------------------------------------------------------------------------

  #generationOf(child: { generation: number }): Generation | null {
    return this.#generations.get(child.generation) ?? null;
  }

  /** An old generation with no process left is dropped. */
  #forgetIfDone(id: number): void {
    if (id === this.#current.id) return;
    for (const w of this.#workers) if (w.generation === id) return;
    for (const f of this.#fronts) if (f.generation === id) return;
    this.#generations.delete(id);
  }

  #isLive(gen: Generation): boolean {
    return gen === this.#current && [...gen.fronts].some((f) => f.state === 'ready');
  }

  #countWorkers(generation = this.#current.id): number {
    return [...this.#workers].filter((w) => w.generation === generation && w.state === 'ready').length;
  }
}
