// The rows `edge status` prints: one per front and worker, as the master knows them.

import type { ProcessStatus } from '../ipc.ts';
import type { ArbiterState } from './arbiter-state.ts';

export function statusRows(s: ArbiterState): ProcessStatus[] {
  const rows: ProcessStatus[] = [];
  for (const f of s.fronts) {
    rows.push({ role: 'front', pid: f.pid, generation: f.generation, app: null, state: f.state, served: f.served, inFlight: f.inFlight, connections: 0, rss: f.rss, startedAt: f.startedAt });
  }
  for (const w of s.workers) {
    rows.push({ role: 'worker', pid: w.pid, generation: w.generation, app: w.app.name, state: w.state, served: w.served, inFlight: w.inFlight, connections: w.connections, rss: w.rss, startedAt: w.startedAt });
  }
  return rows;
}
