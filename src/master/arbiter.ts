// The master's arbiter, after gunicorn's: signal handlers and control commands only enqueue;
// the actions run one at a time, and a timer murders hung workers and restores the count.
// Verbs: spawn, reap, murder, manage, retire, reload, halt. Their state is in
// arbiter-state.ts; the verbs are in worker-pool.ts, fronts.ts, generations.ts and halt.ts.

import { writeFileSync } from 'node:fs';
import type { EdgeConfig } from '../config/types.ts';
import type { LoadResult } from '../config/load.ts';
import type { ControlReply, ControlRequest } from '../ipc.ts';
import { log, reopenLog } from '../log.ts';
import { countWorkers, createState } from './arbiter-state.ts';
import type { ArbiterState } from './arbiter-state.ts';
import { heartbeatInterval, signal } from './children.ts';
import { startControlServer } from './control-server.ts';
import { reload, startGeneration } from './generations.ts';
import { checkStopDuringStart, endStartUp, failStartUp, halt, stopStartUp } from './halt.ts';
import { bindListeners } from './listeners.ts';
import { prepareRunDirectory } from './run-dir.ts';
import { installSignals } from './signals.ts';
import { statusRows } from './status.ts';
import { scheduleTicketRotation } from './tls.ts';
import { manage, murder } from './worker-pool.ts';

type Action =
  | { kind: 'reload'; reply?: (r: ControlReply) => void }
  | { kind: 'halt'; mode: 'graceful' | 'quick' }
  | { kind: 'scale'; delta: number }
  | { kind: 'reopen' }
  | { kind: 'upgrade' };

export class Arbiter {
  #s: ArbiterState;
  #queue: Action[] = [];
  #busy = false;

  constructor(config: EdgeConfig, runDir: string, reloadConfig: () => LoadResult) {
    this.#s = createState(config, runDir, reloadConfig);
  }

  /** Starts everything; resolves with the exit code once edge has stopped. */
  async run(): Promise<number> {
    const s = this.#s;
    const finished = new Promise<number>((resolve) => (s.done = resolve));
    // From the very start: a signal must never find the master without its handlers.
    s.removeSignals = installSignals((action) => this.#enqueue(action));
    prepareRunDirectory(s.runDir);
    const config = s.current.config;
    try {
      s.listeners = await bindListeners(config, new Map());
      s.closeControl = await startControlServer(s.runDir, (request, reply) => this.#control(request, reply));
      if (config.pid !== null) writeFileSync(config.pid, `${process.pid}\n`);
      checkStopDuringStart(s);
      await startGeneration(s, s.current);
    } catch (error) {
      if (s.stopDuringStart) endStartUp(s);
      else failStartUp(s, error);
      return finished;
    }
    s.starting = false;
    scheduleTicketRotation(s);
    const urls = [...s.listeners.values()].map((l) => l.url).join(', ');
    log.info(`edge ${process.pid} serving on ${urls} with ${countWorkers(s)} workers`);
    const tick = Math.min(...config.apps.map(heartbeatInterval), 1000);
    s.timers.push(setInterval(() => this.#tick(), tick));
    if (this.#queue.length > 0) void this.#drainQueue();
    return finished;
  }

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
    if (this.#s.starting) {
      if (action.kind === 'halt') stopStartUp(this.#s);
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
    for (const f of this.#s.fronts) if (f.state === 'ready') signal(f.child, 'SIGUSR1');
    for (const w of this.#s.workers) if (w.state !== 'booting') signal(w.child, 'SIGUSR1');
  }

  async #drainQueue(): Promise<void> {
    this.#busy = true;
    while (this.#queue.length > 0) {
      const action = this.#queue.shift() as Action;
      if (action.kind === 'halt') halt(this.#s, action.mode);
      else if (this.#s.halting) continue;
      else if (action.kind === 'scale') this.#scale(action.delta);
      else if (action.kind === 'reload') {
        const reply = await reload(this.#s);
        action.reply?.(reply);
      }
    }
    this.#busy = false;
  }

  #scale(delta: number): void {
    const gen = this.#s.current;
    for (const app of gen.config.apps) {
      const wanted = Math.max(1, (gen.wanted.get(app.name) ?? 0) + delta);
      gen.wanted.set(app.name, wanted);
      log.info(`app ${app.name}: ${wanted} workers wanted`);
    }
    manage(this.#s);
  }

  #tick(): void {
    murder(this.#s);
    manage(this.#s);
  }

  #control(request: ControlRequest, reply: (r: ControlReply) => void): void {
    switch (request.command) {
      case 'status':
        reply({ ok: true, message: 'status', status: { master: process.pid, processes: statusRows(this.#s) } });
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
}
