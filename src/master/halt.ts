// Stopping: a graceful or quick halt, a stop asked for during start-up, a failed start-up,
// and the end, once the last child is gone.

import { rmSync } from 'node:fs';
import { EdgeError } from '../errors.ts';
import { log } from '../log.ts';
import type { ArbiterState } from './arbiter-state.ts';
import { sendToFront, signal } from './children.ts';
import { cleanRunDirectory } from './run-dir.ts';
import { stopTicketRotation } from './tls.ts';
import { stopWorker } from './worker-pool.ts';

export function halt(s: ArbiterState, mode: 'graceful' | 'quick'): void {
  if (s.halting === 'quick' || s.halting === mode) return;
  s.halting = mode;
  log.info(mode === 'graceful' ? 'stopping gracefully: in-flight requests finish' : 'stopping now');
  // Closing the master's copies makes the kernel refuse new connections once fronts close theirs.
  for (const l of s.listeners.values()) l.handle.close();
  s.listeners.clear();
  s.closeControl();
  if (mode === 'quick') {
    for (const f of s.fronts) signal(f.child, 'SIGQUIT');
    for (const w of s.workers) signal(w.child, 'SIGQUIT');
    s.timers.push(setTimeout(() => killAll(s), 2000));
  } else {
    for (const f of s.fronts) sendToFront(f, { type: 'front:stop', mode: 'graceful' });
    const grace = Math.max(s.current.config.gracefulTimeout, ...s.current.config.apps.map((a) => a.gracefulTimeout));
    s.timers.push(setTimeout(() => killAll(s), grace));
    afterFrontsGone(s);
  }
  maybeFinished(s);
}

export function afterFrontsGone(s: ArbiterState): void {
  if (s.halting !== 'graceful' || s.fronts.size > 0) return;
  for (const w of s.workers) stopWorker(s, w);
}

function killAll(s: ArbiterState): void {
  for (const f of s.fronts) signal(f.child, 'SIGKILL');
  for (const w of s.workers) signal(w.child, 'SIGKILL');
}

export function maybeFinished(s: ArbiterState): void {
  if (s.finished || s.fronts.size > 0 || s.workers.size > 0) return;
  s.finished = true;
  for (const t of s.timers) clearTimeout(t);
  stopTicketRotation(s);
  s.removeSignals();
  const pid = s.current.config.pid;
  if (pid !== null) rmSync(pid, { force: true });
  cleanRunDirectory(s.runDir);
  log.info(`edge ${process.pid} stopped`);
  s.done(s.exitCode);
}

// A stop asked for while starting: nothing serves yet, so the booting processes are stopped
// at once and edge exits 0 (the start-up fails with that reason, caught in run()).
export function stopStartUp(s: ArbiterState): void {
  if (s.stopDuringStart) return;
  s.stopDuringStart = true;
  // Halting: processes that exit now are neither failures nor replaced.
  s.halting = 'quick';
  log.info('stopping during start-up');
  for (const f of s.fronts) signal(f.child, 'SIGQUIT');
  for (const w of s.workers) signal(w.child, 'SIGQUIT');
  s.timers.push(setTimeout(() => killAll(s), 2000));
}

export function checkStopDuringStart(s: ArbiterState): void {
  if (s.stopDuringStart) throw new Error('stopped during start-up');
}

// Start-up ended (a failure, or a stop asked for): close everything and kill what runs.
export function endStartUp(s: ArbiterState): void {
  s.halting = 'quick';
  for (const l of s.listeners.values()) l.handle.close();
  s.listeners.clear();
  s.closeControl();
  killAll(s);
  maybeFinished(s);
}

export function failStartUp(s: ArbiterState, error: unknown): void {
  const message = error instanceof EdgeError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  log.error(message);
  s.exitCode = error instanceof EdgeError ? error.exitCode : 1;
  endStartUp(s);
}
