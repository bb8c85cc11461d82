// One app worker as the front sees it: keep-alive connections to the worker's Unix socket
// (opened as needed, at most one per request in flight) and the requests in flight to it.

import type { WorkerView } from '../ipc.ts';
import { WorkerConnection } from './worker-connection.ts';

/** A request being proxied, as far as its upstream needs to know. */
export type InFlight = { method: string; path: string; startedAt: number; timedOut: boolean; deadline: number; expire: () => void };

export class Upstream {
  readonly id: number;
  readonly pid: number;
  readonly app: string;
  readonly capacity: number;
  readonly socketPath: string;
  state: WorkerView['state'] | 'gone';
  inFlight = 0;
  readonly active = new Set<InFlight>();
  readonly #idle: WorkerConnection[] = [];
  readonly #all = new Set<WorkerConnection>();
  #closing = false;

  constructor(view: WorkerView, capacity: number) {
    this.id = view.id;
    this.pid = view.pid;
    this.app = view.app;
    this.state = view.state;
    this.capacity = capacity;
    this.socketPath = view.socketPath;
  }

  get hasRoom(): boolean {
    return this.state === 'ready' && this.inFlight < this.capacity;
  }

  begin(request: InFlight): void {
    this.inFlight++;
    this.active.add(request);
  }

  end(request: InFlight): void {
    if (this.active.delete(request)) this.inFlight--;
  }

  /** An idle keep-alive connection, or a new one. */
  connection(): WorkerConnection {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    const connection = new WorkerConnection(this.socketPath, this);
    this.#all.add(connection);
    return connection;
  }

  release(connection: WorkerConnection): void {
    if (this.#closing || this.state === 'gone') connection.socket.end();
    else this.#idle.push(connection);
  }

  forget(connection: WorkerConnection): void {
    this.#all.delete(connection);
    const i = this.#idle.lastIndexOf(connection);
    if (i !== -1) this.#idle.splice(i, 1);
  }

  /** Draining: idle connections close now, busy ones when their response is complete. */
  close(): void {
    this.#closing = true;
    for (const connection of this.#idle.splice(0)) connection.socket.end();
  }

  /** The worker is gone: requests still on it fail now (and are retried where they may be). */
  destroy(): void {
    this.#closing = true;
    this.#idle.length = 0;
    for (const connection of this.#all) connection.socket.destroy();
  }
}
