// Which worker gets a request: the least busy ready worker of the app that has room (one
// request at a time for `sync`, up to worker_connections for `async`). When every worker
// is full, requests wait in a bounded queue; past `backlog` or `queue_timeout`, 503.

import type { AppConfig } from '../config/types.ts';
import type { Upstream } from './upstream.ts';

export type Job = {
  /** Called with the chosen worker. */
  start: (upstream: Upstream) => void;
  /** Called when the request cannot be placed: status, detail, extra headers. */
  reject: (status: number, detail: string, headers: Record<string, string>) => void;
  /** A worker not to use (the one a retried request failed on). */
  avoid: Upstream | null;
  queued: boolean;
  timer: NodeJS.Timeout | null;
};

const retryAfter = { 'retry-after': '1' };

export class AppDispatcher {
  readonly app: AppConfig;
  readonly capacity: number;
  upstreams: Upstream[] = [];
  #queue: Job[] = [];
  #next = 0;

  constructor(app: AppConfig) {
    this.app = app;
    this.capacity = app.workerClass === 'sync' ? 1 : app.workerConnections;
  }

  submit(job: Job): void {
    const upstream = this.#pick(job.avoid);
    if (upstream !== null) {
      job.start(upstream);
      return;
    }
    if (this.#queue.length >= this.app.backlog) {
      job.reject(503, `every worker of app "${this.app.name}" is busy and ${this.app.backlog} requests are already waiting (backlog)`, retryAfter);
      return;
    }
    job.queued = true;
    job.timer = setTimeout(() => {
      this.cancel(job);
      job.reject(503, `no worker of app "${this.app.name}" was free within queue_timeout (${this.app.queueTimeout / 1000}s)`, retryAfter);
    }, this.app.queueTimeout);
    this.#queue.push(job);
  }

  /** A queued request whose client went away. */
  cancel(job: Job): void {
    if (!job.queued) return;
    job.queued = false;
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = null;
    const i = this.#queue.indexOf(job);
    if (i !== -1) this.#queue.splice(i, 1);
  }

  /** A worker has room again, or the set of workers changed: place waiting requests. */
  drain(): void {
    while (this.#queue.length > 0) {
      const job = this.#queue[0] as Job;
      const upstream = this.#pick(job.avoid);
      if (upstream === null) return;
      this.#queue.shift();
      job.queued = false;
      if (job.timer !== null) clearTimeout(job.timer);
      job.timer = null;
      job.start(upstream);
    }
  }

  // Least busy among those with room; ties go round-robin so idle workers share the load.
  #pick(avoid: Upstream | null): Upstream | null {
    const list = this.upstreams;
    const n = list.length;
    let best: Upstream | null = null;
    for (let k = 0; k < n; k++) {
      const u = list[(this.#next + k) % n] as Upstream;
      if (!u.hasRoom || u === avoid) continue;
      if (best === null || u.inFlight < best.inFlight) best = u;
      if (u.inFlight === 0) break;
    }
    this.#next = n === 0 ? 0 : (this.#next + 1) % n;
    return best;
  }
}
