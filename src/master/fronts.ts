// The arbiter's verbs for fronts: spawn one with its generation's spec and the listening
// handles, follow its messages, reap it, and keep every front's table of workers current.

import type { FrontToMaster, WorkerView } from '../ipc.ts';
import { log } from '../log.ts';
import { forgetIfDone, generationOf } from './arbiter-state.ts';
import type { ArbiterState, Generation } from './arbiter-state.ts';
import { onFrontMessage, sendToFront, spawnFront as spawnChild } from './children.ts';
import type { FrontRecord } from './children.ts';
import { retireGeneration } from './generations.ts';
import { afterFrontsGone, maybeFinished } from './halt.ts';
import { stopWorker } from './worker-pool.ts';

export function spawnFront(s: ArbiterState, gen: Generation): FrontRecord {
  const front = spawnChild(gen.id);
  s.fronts.add(front);
  gen.fronts.add(front);
  onFrontMessage(front, (message) => onMessage(s, front, message));
  front.child.once('exit', (code, sig) => reapFront(s, front, code, sig));
  const listeners = [...s.listeners.values()].map(({ key, url }) => ({ key, url }));
  sendToFront(front, { type: 'front:start', spec: { generation: gen.id, config: gen.config, listeners, tls: gen.tls, ticketKeys: s.ticketKeys } });
  sendToFront(front, { type: 'front:workers', workers: workerViews(s, gen.id) });
  for (const l of s.listeners.values()) sendToFront(front, { type: 'front:listener', key: l.key }, l.handle);
  return front;
}

function onMessage(s: ArbiterState, front: FrontRecord, message: FrontToMaster): void {
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
      const worker = [...s.workers].find((w) => w.id === message.id);
      if (worker === undefined) return;
      worker.awaitingRelease.delete(front.pid);
      if (worker.awaitingRelease.size === 0 && worker.state === 'draining') stopWorker(s, worker);
      return;
    }
  }
}

function reapFront(s: ArbiterState, front: FrontRecord, code: number | null, sig: NodeJS.Signals | null): void {
  const was = front.state;
  front.state = 'dead';
  s.fronts.delete(front);
  for (const w of s.workers) {
    if (w.awaitingRelease.delete(front.pid) && w.awaitingRelease.size === 0 && w.state === 'draining') stopWorker(s, w);
  }
  if (s.halting) {
    afterFrontsGone(s);
    maybeFinished(s);
    return;
  }
  const gen = generationOf(s, front);
  if (gen === s.current && was === 'ready') {
    log.error(`front ${front.pid} exited unexpectedly (${sig ?? `code ${code}`}); starting another`);
    gen.fronts.delete(front);
    spawnFront(s, gen);
  } else if (gen !== null && gen !== s.current) {
    gen.fronts.delete(front);
    if (gen.fronts.size === 0) retireGeneration(s, gen);
    forgetIfDone(s, gen.id);
  }
}

function workerViews(s: ArbiterState, generation: number): WorkerView[] {
  const views: WorkerView[] = [];
  for (const w of s.workers) {
    if (w.generation !== generation) continue;
    if (w.state === 'ready' || w.state === 'draining') {
      views.push({ id: w.id, pid: w.pid, app: w.app.name, socketPath: w.socketPath, state: w.state });
    }
  }
  return views;
}

export function publishWorkers(s: ArbiterState, generation: number): void {
  const workers = workerViews(s, generation);
  for (const f of s.fronts) if (f.generation === generation) sendToFront(f, { type: 'front:workers', workers });
}
