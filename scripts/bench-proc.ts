// Process bookkeeping for scripts/bench.ts: starting the benchmark's processes, reading their
// CPU time and memory from /proc, and stopping every one of them by pid (its descendants too),
// also when the benchmark fails or is interrupted.

import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

export const clockTicks = ((): number => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- /proc -------------------------------------------------------------------------------

export type Stat = { pid: number; ppid: number; state: string; utime: number; stime: number; start: number };

/**
 * /proc/PID/stat (utime and stime cover all the process's threads), or null when it is gone;
 * with `thread`, /proc/PID/task/TID/stat: that thread alone (the main thread's TID is the pid).
 */
export function readStat(pid: number, thread?: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    start: Number(rest[19]),
  };
}

function allStats(): Stat[] {
  const stats: Stat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s !== null) stats.push(s);
  }
  return stats;
}

/** The given pids that are alive, and all their descendants. */
export function withDescendants(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  const alive = new Set<number>();
  for (const s of allStats()) {
    if (s.state === 'Z') continue;
    alive.add(s.pid);
    const list = children.get(s.ppid);
    if (list === undefined) children.set(s.ppid, [s.pid]);
    else list.push(s.pid);
  }
  const found: number[] = [];
  const queue = roots.filter((p) => alive.has(p));
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

export type Ticks = { user: number; sys: number; start: number; mainUser: number; mainSys: number };

/** utime + stime in clock ticks per pid, all threads and the main thread alone (pids that are gone are left out). */
export function cpuTicks(pids: readonly number[]): Map<number, Ticks> {
  const ticks = new Map<number, Ticks>();
  for (const pid of pids) {
    const s = readStat(pid);
    const main = readStat(pid, pid);
    if (s !== null) ticks.set(pid, { user: s.utime, sys: s.stime, start: s.start, mainUser: main?.utime ?? 0, mainSys: main?.stime ?? 0 });
  }
  return ticks;
}

function statusField(file: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident set size in KiB (VmRSS of /proc/PID/status). */
export const rssKiB = (pid: number): number => statusField(`/proc/${pid}/status`, 'VmRSS');

/** A thread's time on a CPU and waiting on a run queue (runnable, not running), in ns, from schedstat. */
export function schedstat(pid: number, thread: number = pid): { runNs: number; waitNs: number } | null {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runNs: run ?? 0, waitNs: wait ?? 0 };
  } catch {
    return null;
  }
}

/** Anonymous resident memory in KiB (RssAnon: heaps, buffers; not the mapped executable). */
export const rssAnonKiB = (pid: number): number => statusField(`/proc/${pid}/status`, 'RssAnon');

/** Proportional set size in KiB: shared pages divided among the processes that map them. */
export const pssKiB = (pid: number): number => statusField(`/proc/${pid}/smaps_rollup`, 'Pss');

/** Whole-machine CPU counters from /proc/stat, in clock ticks. */
export type MachineCpu = { total: number; idle: number; steal: number };

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is part of user)
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { total, idle: (v[3] ?? 0) + (v[4] ?? 0), steal: v[7] ?? 0 };
}

/** Busy and steal between two readings, in % of one core (the machine's maximum is cores × 100). */
export function machineBusy(a: MachineCpu, b: MachineCpu, cores: number): { busy: number; steal: number; seconds: number } {
  const dt = b.total - a.total;
  if (dt <= 0) return { busy: 0, steal: 0, seconds: 0 };
  const steal = b.steal - a.steal;
  return {
    busy: ((dt - (b.idle - a.idle) - steal) / dt) * 100 * cores,
    steal: (steal / dt) * 100 * cores,
    seconds: dt / cores / clockTicks,
  };
}

// ---- starting and stopping ---------------------------------------------------------------

export type Started = { name: string; child: ChildProcess; pid: number; start: number; exited: Promise<void> };

const registry = new Set<Started>();

export type StartOptions = {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr go to this file (appended), unless stdout is 'pipe'. */
  logFile: string;
  stdout?: 'file' | 'pipe';
};

/** Starts a process the benchmark owns; it is stopped by stopAll() at the latest. */
export function startProcess(name: string, command: string, args: readonly string[], options: StartOptions): Started {
  const log = openSync(options.logFile, 'a');
  const stdio: StdioOptions = ['ignore', options.stdout === 'pipe' ? 'pipe' : log, log];
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const pid = child.pid ?? 0;
  const started: Started = { name, child, pid, start: readStat(pid)?.start ?? -1, exited };
  registry.add(started);
  void exited.then(() => registry.delete(started));
  return started;
}

export const isRunning = (p: Started): boolean => p.child.exitCode === null && p.child.signalCode === null;

/**
 * SIGTERM to the given processes; whatever of them or their descendants is still alive after
 * `graceMs` gets SIGKILL — by pid, and only if the pid still belongs to the same process.
 */
export async function stopProcesses(procs: readonly Started[], graceMs = 8000): Promise<string[]> {
  const roots = procs.filter((p) => isRunning(p) && readStat(p.pid)?.start === p.start);
  const tree = withDescendants(roots.map((p) => p.pid));
  const starts = new Map(tree.map((pid) => [pid, readStat(pid)?.start ?? -1]));
  for (const p of roots) p.child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  const stillAlive = (): number[] =>
    tree.filter((pid) => {
      const s = readStat(pid);
      return s !== null && s.state !== 'Z' && s.start === starts.get(pid);
    });
  while (stillAlive().length > 0 && Date.now() < deadline) await sleep(50);
  const killed: string[] = [];
  for (const pid of stillAlive()) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(String(pid));
    } catch {
      // gone in the meantime
    }
  }
  await Promise.all(procs.map((p) => Promise.race([p.exited, sleep(2000)])));
  return killed;
}

/** Stops everything the benchmark started that is still running. */
export async function stopAll(): Promise<void> {
  await stopProcesses([...registry], 5000);
}

/** Last resort on exit: SIGKILL (synchronously) whatever we started that still runs. */
export function killAllNow(): void {
  for (const p of registry) {
    if (!isRunning(p)) continue;
    for (const pid of withDescendants([p.pid]).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
