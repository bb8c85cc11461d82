// The master's records of its children: app workers and fronts, each started from this same
// executable in its role, and the typed messages they exchange with the master.

import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AppConfig } from '../config/types.ts';
import type { FrontToMaster, MasterToFront, MasterToWorker, WorkerSpec, WorkerToMaster } from '../ipc.ts';
import { spawnRole } from './spawn-role.ts';

export type WorkerState = 'booting' | 'ready' | 'draining' | 'stopping' | 'killed' | 'dead';

export type WorkerRecord = {
  id: number;
  generation: number;
  app: AppConfig;
  child: ChildProcess;
  pid: number;
  socketPath: string;
  state: WorkerState;
  startedAt: number;
  readyAt: number;
  lastBeat: number;
  rss: number;
  served: number;
  inFlight: number;
  connections: number;
  /** This worker's own max_requests (jitter applied); 0 when recycling is off. */
  maxRequests: number;
  /** A replacement has been started for it (recycling): it retires once that is ready. */
  replacedBy: WorkerRecord | null;
  /** Fronts that still have to release it before it may be stopped. */
  awaitingRelease: Set<number>;
  bootError: string | null;
  timers: NodeJS.Timeout[];
};

export type FrontState = 'booting' | 'ready' | 'draining' | 'dead';

export type FrontRecord = {
  generation: number;
  child: ChildProcess;
  pid: number;
  state: FrontState;
  startedAt: number;
  failure: string | null;
  rss: number;
  served: number;
  inFlight: number;
};

/** Heartbeats are sent often enough that a hung worker is caught within timeout + one beat. */
export function heartbeatInterval(app: AppConfig): number {
  return Math.max(50, Math.min(1000, Math.floor(app.timeout / 10)));
}

export function spawnWorker(id: number, generation: number, app: AppConfig, runDir: string): WorkerRecord {
  const socketPath = path.join(runDir, `worker-${id}.sock`);
  const child = spawnRole('worker', { env: app.env });
  const now = Date.now();
  const jitter = app.maxRequestsJitter > 0 ? Math.floor(Math.random() * (app.maxRequestsJitter + 1)) : 0;
  const record: WorkerRecord = {
    id,
    generation,
    app,
    child,
    pid: child.pid ?? 0,
    socketPath,
    state: 'booting',
    startedAt: now,
    readyAt: 0,
    lastBeat: now,
    rss: 0,
    served: 0,
    inFlight: 0,
    connections: 0,
    maxRequests: app.maxRequests > 0 ? app.maxRequests + jitter : 0,
    replacedBy: null,
    awaitingRelease: new Set(),
    bootError: null,
    timers: [],
  };
  const module = app.module as string;
  const spec: WorkerSpec = {
    id,
    generation,
    socketPath,
    module,
    chdir: app.chdir ?? path.dirname(module),
    heartbeatMs: heartbeatInterval(app),
    bootTimeoutMs: app.bootTimeout,
    maxRequests: record.maxRequests,
  };
  sendToWorker(record, { type: 'worker:start', spec });
  return record;
}

export function sendToWorker(worker: WorkerRecord, message: MasterToWorker): void {
  if (worker.child.connected) worker.child.send(message, (error) => error && undefined);
}

export function onWorkerMessage(worker: WorkerRecord, listener: (message: WorkerToMaster) => void): void {
  worker.child.on('message', listener);
}

/**
 * A front allocates fast and keeps little: a smaller young generation halves its resident
 * memory at load at no measurable CPU cost (docs/performance.md).
 */
const frontNodeFlags = ['--max-semi-space-size=8'];

export function spawnFront(generation: number): FrontRecord {
  const child = spawnRole('front', { nodeFlags: frontNodeFlags });
  return { generation, child, pid: child.pid ?? 0, state: 'booting', startedAt: Date.now(), failure: null, rss: 0, served: 0, inFlight: 0 };
}

export function sendToFront(front: FrontRecord, message: MasterToFront, handle?: unknown): void {
  if (!front.child.connected) return;
  if (handle === undefined) front.child.send(message, (error) => error && undefined);
  else front.child.send(message, handle as never, (error) => error && undefined);
}

export function onFrontMessage(front: FrontRecord, listener: (message: FrontToMaster) => void): void {
  front.child.on('message', listener);
}

export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (isAlive(child)) child.kill(name);
}
