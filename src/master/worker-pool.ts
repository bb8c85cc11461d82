// The arbiter's verbs for app workers: spawn, recycle, retire, stop, kill, reap, manage the
// count, and murder the hung ones.

import type { AppConfig } from '../config/types.ts';
import type { WorkerToMaster } from '../ipc.ts';
import { log } from '../log.ts';
import { forgetIfDone, generationOf, isLive } from './arbiter-state.ts';
import type { ArbiterState, Generation } from './arbiter-state.ts';
import { heartbeatInterval, onWorkerMessage, sendToFront, sendToWorker, signal, spawnWorker as spawnChild } from './children.ts';
import type { WorkerRecord } from './children.ts';
import { publishWorkers } from './fronts.ts';
import { maybeFinished } from './halt.ts';

export function spawnWorker(s: ArbiterState, gen: Generation, app: AppConfig): WorkerRecord {
  const worker = spawnChild(s.nextWorkerId++, gen.id, app, s.runDir);
  s.workers.add(worker);
  log.debug(`booting worker ${worker.pid} (id ${worker.id}, generation ${gen.id}, app ${app.name})`);
  onWorkerMessage(worker, (message) => onMessage(s, worker, message));
  worker.child.once('exit', (code, sig) => reap(s, worker, code, sig));
  return worker;
}

function onMessage(s: ArbiterState, worker: WorkerRecord, message: WorkerToMaster): void {
  switch (message.type) {
    case 'worker:ready': {
      if (worker.state !== 'booting') return;
      worker.state = 'ready';
      worker.readyAt = worker.lastBeat = Date.now();
      log.debug(`worker ${worker.pid} ready (${message.form})`);
      publishWorkers(s, worker.generation);
      const replaced = [...s.workers].find((w) => w.replacedBy === worker);
      if (replaced) retire(s, replaced, 'recycled');
      return;
    }
    case 'worker:heartbeat':
      worker.lastBeat = Date.now();
      worker.rss = message.rss;
      worker.served = message.served;
      worker.inFlight = message.inFlight;
      worker.connections = message.connections;
      checkRecycle(s, worker);
      return;
    case 'worker:failed':
      worker.bootError = message.message;
      return;
  }
}

function checkRecycle(s: ArbiterState, worker: WorkerRecord): void {
  if (worker.state !== 'ready' || worker.replacedBy !== null || s.halting) return;
  let reason: string | null = null;
  if (worker.maxRequests > 0 && worker.served >= worker.maxRequests) reason = `served ${worker.served} requests (max_requests ${worker.maxRequests})`;
  else if (worker.app.maxMemory > 0 && worker.rss > worker.app.maxMemory) {
    reason = `uses ${Math.round(worker.rss / 1048576)} MiB (max_memory ${Math.round(worker.app.maxMemory / 1048576)} MiB)`;
  }
  if (reason === null) return;
  const gen = generationOf(s, worker);
  if (gen === null) return;
  log.info(`recycling worker ${worker.pid}: ${reason}; its replacement starts first`);
  worker.replacedBy = spawnWorker(s, gen, worker.app);
}

/** Stops sending it requests; once every front has released it, it stops gracefully. */
function retire(s: ArbiterState, worker: WorkerRecord, why: string): void {
  if (worker.state !== 'ready' && worker.state !== 'booting') return;
  log.debug(`retiring worker ${worker.pid} (${why})`);
  worker.state = 'draining';
  const fronts = [...s.fronts].filter((f) => f.generation === worker.generation && f.state !== 'dead');
  for (const f of fronts) worker.awaitingRelease.add(f.pid);
  publishWorkers(s, worker.generation);
  if (worker.awaitingRelease.size === 0) stopWorker(s, worker);
  else worker.timers.push(setTimeout(() => stopWorker(s, worker), worker.app.gracefulTimeout));
}

export function stopWorker(s: ArbiterState, worker: WorkerRecord): void {
  if (worker.state === 'stopping' || worker.state === 'dead' || worker.state === 'killed') return;
  worker.state = 'stopping';
  publishWorkers(s, worker.generation);
  // The hooks apps already have: SIGTERM (gunicorn, Docker), then PM2's 'shutdown'.
  signal(worker.child, 'SIGTERM');
  sendToWorker(worker, 'shutdown');
  worker.timers.push(setTimeout(() => kill(worker), worker.app.gracefulTimeout));
}

export function kill(worker: WorkerRecord): void {
  if (worker.state !== 'dead') worker.state = 'killed';
  signal(worker.child, 'SIGKILL');
}

function reap(s: ArbiterState, worker: WorkerRecord, code: number | null, sig: NodeJS.Signals | null): void {
  const was = worker.state;
  worker.state = 'dead';
  for (const t of worker.timers) clearTimeout(t);
  s.workers.delete(worker);
  publishWorkers(s, worker.generation);
  const how = sig ?? `code ${code}`;
  if (s.halting) {
    maybeFinished(s);
    return;
  }
  const gen = generationOf(s, worker);
  if (was === 'booting') {
    // A failure of a starting generation is reported by startGeneration; a replacement
    // that fails to boot backs off.
    if (gen !== null && isLive(s, gen)) {
      log.error(`worker ${worker.pid} failed to boot (${how}): ${worker.bootError ?? 'exited before it was ready'}`);
      noteFailure(s, worker);
    }
  } else if (was === 'ready') {
    log.warn(`worker ${worker.pid} exited unexpectedly (${how}); replacing it`);
    noteFailure(s, worker);
  } else if (was === 'killed') {
    noteFailure(s, worker);
  }
  for (const w of s.workers) if (w.replacedBy === worker) w.replacedBy = null;
  forgetIfDone(s, worker.generation);
  manage(s);
}

function noteFailure(s: ArbiterState, worker: WorkerRecord): void {
  const { failures, delayMs } = s.backoff.failed(worker.app.name, worker.readyAt);
  if (delayMs > 0) log.warn(`app ${worker.app.name}: ${failures} worker failures in a row; next start in ${delayMs} ms`);
}

/** Restores the wanted number of workers of the live generation. */
export function manage(s: ArbiterState): void {
  if (s.halting) return;
  const gen = s.current;
  for (const app of gen.config.apps) {
    const active = [...s.workers].filter(
      (w) => w.generation === gen.id && w.app.name === app.name && (w.state === 'booting' || w.state === 'ready') && !isReplacement(s, w),
    );
    const wanted = gen.wanted.get(app.name) ?? 0;
    if (active.length < wanted) {
      if (!s.backoff.mayStart(app.name)) continue;
      for (let i = active.length; i < wanted; i++) spawnWorker(s, gen, app);
    } else if (active.length > wanted) {
      const extra = active.filter((w) => w.state === 'ready').slice(0, active.length - wanted);
      for (const w of extra) retire(s, w, 'fewer workers wanted');
    }
  }
}

function isReplacement(s: ArbiterState, worker: WorkerRecord): boolean {
  for (const w of s.workers) if (w.replacedBy === worker && w.state === 'ready') return true;
  return false;
}

/** Hung workers: no heartbeat for `timeout` (WORKER TIMEOUT), or not booted in time. */
export function murder(s: ArbiterState): void {
  const now = Date.now();
  for (const worker of s.workers) {
    if (worker.state === 'booting') {
      if (now - worker.startedAt > worker.app.bootTimeout + 2000) {
        worker.bootError = `not ready within boot_timeout (${worker.app.bootTimeout / 1000}s)`;
        kill(worker);
      }
      continue;
    }
    if (worker.state !== 'ready' && worker.state !== 'draining' && worker.state !== 'stopping') continue;
    const silent = now - worker.lastBeat;
    if (silent <= worker.app.timeout) continue;
    worker.state = 'killed';
    log.error(`WORKER TIMEOUT (pid ${worker.pid}): no heartbeat for ${(silent / 1000).toFixed(1)}s (timeout ${worker.app.timeout / 1000}s); killing it`);
    const fronts = [...s.fronts].filter((f) => f.state !== 'dead');
    // It hung after its last heartbeat and before the next one was due.
    const hungSince = worker.lastBeat + heartbeatInterval(worker.app);
    for (const f of fronts) sendToFront(f, { type: 'front:worker-timeout', id: worker.id, pid: worker.pid, hungSince });
    // The fronts answer its requests 504 (not retried elsewhere: they hung this worker).
    worker.timers.push(setTimeout(() => signal(worker.child, 'SIGKILL'), fronts.length > 0 ? 200 : 0));
    worker.awaitingRelease = new Set(fronts.map((f) => f.pid));
  }
}
