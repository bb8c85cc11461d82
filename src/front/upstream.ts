// One app worker as the front sees it: an undici Pool over the worker's Unix socket with
// keep-alive connections, and the requests in flight to it.

import { Pool } from 'undici';
import type { WorkerView } from '../ipc.ts';

/** A request being proxied, as far as its upstream needs to know. */
export type InFlight = { method: string; path: string; startedAt: number; timedOut: boolean; abort: () => void };

export class Upstream {
  readonly id: number;
  readonly pid: number;
  readonly app: string;
  readonly capacity: number;
  readonly pool: Pool;
  state: WorkerView['state'] | 'gone';
  inFlight = 0;
  readonly active = new Set<InFlight>();

  constructor(view: WorkerView, capacity: number) {
    this.id = view.id;
    this.pid = view.pid;
    this.app = view.app;
    this.state = view.state;
    this.capacity = capacity;
    this.pool = new Pool('http://localhost', {
      socketPath: view.socketPath,
      connections: Math.min(capacity, 256),
      pipelining: 1,
      // The worker never times out idle connections (the front owns timeouts).
      keepAliveTimeout: 600_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.pool.on('connectionError', () => {});
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
}
