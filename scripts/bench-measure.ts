// One measured run for scripts/bench.ts: wait for a quiet machine, read every process of the
// setup from /proc before and after a wrk or h2load run (and its memory half-way), and turn that
// into per-request CPU time, memory, upstream connections and the CPU used by anything else.

import os from 'node:os';
import path from 'node:path';
import type { Window } from './bench-profile.ts';
import { clockTicks, cpuTicks, machineBusy, machineCpu, pssKiB, rssAnonKiB, rssKiB, schedstat, sleep } from './bench-proc.ts';
import type { Started } from './bench-proc.ts';
import type { RunRecord } from './bench-report.ts';
import type { Running, Tier } from './bench-setups.ts';
import { startH2load } from './bench-h2load.ts';
import type { Scenario } from './bench-groups.ts';
import { startWrk } from './bench-wrk.ts';
import type { WrkResult } from './bench-wrk.ts';

/** The load and the quiet-machine rule. */
export type Load = { threads: number; connections: number; duration: number; warmup: number; quietPct: number; quietMax: number };

/** What one run loads: a scenario on a started setup. */
export type Target = {
  url: string;
  tool: 'wrk' | 'h2load';
  connections: number;
  streams: number;
  headers: Record<string, string>;
  /** Count the upstream connections opened (through the app). */
  counting: boolean;
  /** h2load -n; 0: sized from the warm-up's rate to last about --duration s. */
  requests: number;
};

export const targetOf = (s: Scenario, origin: string, requests = 0): Target => ({
  url: `${origin}${s.path}`,
  tool: s.tool,
  connections: s.connections,
  streams: s.streams,
  headers: s.headers,
  counting: s.viaApp,
  requests,
});

type ToolRun = { done: Promise<WrkResult> };

function startTool(t: Target, opt: Load, seconds: number, latency: boolean, logFile: string): ToolRun {
  if (t.tool === 'wrk') return startWrk({ url: t.url, threads: opt.threads, connections: t.connections, seconds, latency, logFile, headers: t.headers });
  return startH2load({ url: t.url, connections: t.connections, streams: t.streams, requests: t.requests, seconds, logFile, headers: t.headers });
}

export const cores = os.availableParallelism();
export const log = (text: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

/** Waits (at most quiet-max seconds) until the machine is below quiet-pct % of a core busy. */
export async function waitQuiet(opt: Load): Promise<void> {
  for (let waited = 0; ; waited++) {
    const a = machineCpu();
    await sleep(1000);
    const { busy } = machineBusy(a, machineCpu(), cores);
    if (busy < opt.quietPct) {
      if (waited > 0) log(`  quiet after ${waited + 1} s`);
      return;
    }
    if (waited === 0) log(`  machine busy (${busy.toFixed(0)}% of a core) before the run: waiting for it to be quiet (at most ${opt.quietMax} s)`);
    if (waited >= opt.quietMax) {
      log('  still busy: measuring anyway');
      return;
    }
  }
}

/** The fronts' main threads during the run: seconds on a CPU and runnable but waiting for one. */
export type FrontSched = { runS: number; waitS: number };

export type Measured = { wrk: WrkResult; record: Omit<RunRecord, 'setup' | 'round' | 'group' | 'scenario'>; tiers: Map<number, Tier>; window: Window; sched: FrontSched };

function frontSched(tiers: Map<number, Tier>): Map<number, { runNs: number; waitNs: number }> {
  const m = new Map<number, { runNs: number; waitNs: number }>();
  for (const [pid, tier] of tiers) {
    const s = tier === 'front' ? schedstat(pid) : null;
    if (s !== null) m.set(pid, s);
  }
  return m;
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * One measured run (wrk or h2load) against a started, warmed-up setup. `during`, if given, is
 * started just before the load (with the setup's processes) and awaited after it: a profiler
 * attached to them.
 */
export async function measure(
  running: Running,
  target: Target,
  tag: string,
  dir: string,
  warmEnded: number,
  opt: Load,
  during?: (tiers: Map<number, Tier>) => Started,
): Promise<Measured> {
  const settleMs = target.counting ? running.settleMs : 0;
  await waitQuiet(opt);
  await sleep(Math.max(0, settleMs - (Date.now() - warmEnded)));
  const tiers = await running.processes();
  const up0 = target.counting ? await running.upstream() : null;
  const pids = [...tiers.keys()];
  const cpu0 = cpuTicks(pids);
  const m0 = machineCpu();
  const s0 = frontSched(tiers);
  const fromUs = monotonicUs();
  const attached = during?.(tiers);
  const toolRun = startTool(target, opt, opt.duration, true, path.join(dir, `${tag}.${target.tool}.txt`));
  // memory half-way (an h2load run sized for --duration may end sooner: then at its end)
  await Promise.race([sleep((opt.duration * 1000) / 2), toolRun.done]);
  const rss = { front: 0, master: 0, back: 0 } as Record<Tier, number>;
  let pss = 0;
  let frontAnon = 0;
  for (const [pid, tier] of tiers) {
    rss[tier] += rssKiB(pid);
    pss += pssKiB(pid);
    if (tier === 'front') frontAnon += rssAnonKiB(pid);
  }
  const wrk = await toolRun.done;
  const toUs = monotonicUs();
  if (attached !== undefined) await attached.exited;
  const cpu1 = cpuTicks(pids);
  const s1 = frontSched(tiers);
  const sched: FrontSched = { runS: 0, waitS: 0 };
  for (const [pid, b] of s1) {
    const a = s0.get(pid);
    if (a === undefined) continue;
    sched.runS += (b.runNs - a.runNs) / 1e9;
    sched.waitS += (b.waitNs - a.waitNs) / 1e9;
  }
  const m1 = machineCpu();
  await sleep(settleMs);
  const up1 = target.counting ? await running.upstream() : null;
  const after = await running.processes();
  const notes: string[] = [];
  const ticks = { front: 0, master: 0, back: 0 } as Record<Tier, number>;
  let frontUser = 0;
  let frontSys = 0;
  let frontMain = 0;
  for (const [pid, tier] of tiers) {
    const a = cpu0.get(pid);
    const b = cpu1.get(pid);
    if (a === undefined || b === undefined || a.start !== b.start) {
      notes.push(`pid ${pid} (${tier}) exited during the run`);
      continue;
    }
    ticks[tier] += b.user + b.sys - a.user - a.sys;
    if (tier === 'front') {
      frontUser += b.user - a.user;
      frontSys += b.sys - a.sys;
      frontMain += b.mainUser + b.mainSys - a.mainUser - a.mainSys;
    }
  }
  for (const pid of after.keys()) if (!tiers.has(pid)) notes.push(`new process ${pid} appeared during the run`);
  if (wrk.exitCode !== 0) notes.push(`${target.tool} exited with ${wrk.exitCode}`);
  if (wrk.errors > 0) notes.push(`socket errors: ${wrk.socketErrors}`);
  const perReq = (t: number): number => (wrk.requests > 0 ? ((t / clockTicks) * 1e6) / wrk.requests : Number.NaN);
  const setupTicks = ticks.front + ticks.master + ticks.back;
  const machine = machineBusy(m0, m1, cores);
  const ours = machine.seconds > 0 ? ((setupTicks / clockTicks + wrk.clientCpuS) / machine.seconds) * 100 : 0;
  return {
    wrk,
    tiers,
    window: { fromUs, toUs },
    sched,
    record: {
      rps: wrk.rps,
      mibps: wrk.seconds > 0 ? wrk.bytesRead / wrk.seconds / 2 ** 20 : Number.NaN,
      p50Ms: wrk.p50Ms,
      p99Ms: wrk.p99Ms,
      meanMs: wrk.meanMs,
      requests: wrk.requests,
      errors: wrk.errors,
      socketErrors: wrk.socketErrors,
      usFront: perReq(ticks.front),
      usFrontUser: perReq(frontUser),
      usFrontSys: perReq(frontSys),
      usFrontMain: perReq(frontMain),
      usTotal: perReq(setupTicks),
      connsPer1k: up0 === null || up1 === null || wrk.requests === 0 ? null : ((up1.connections - up0.connections) / wrk.requests) * 1000,
      rssFront: rss.front,
      rssFrontAnon: frontAnon,
      rssMaster: rss.master,
      rssBack: rss.back,
      rssTotal: rss.front + rss.master + rss.back,
      rssFrontWorkers: rss.front + rss.back,
      pssTotal: pss,
      clientCpuPct: wrk.seconds > 0 ? (wrk.clientCpuS / wrk.seconds) * 100 : 0,
      busyPct: machine.busy,
      foreignPct: machine.busy - ours,
      stealPct: machine.steal,
      notes,
    },
  };
}

/** The warm-up (not recorded): when it ended, and its rate (NaN without one). */
export async function warmUp(target: Target, tag: string, dir: string, opt: Load): Promise<{ ended: number; rps: number }> {
  let rps = Number.NaN;
  if (opt.warmup > 0) {
    const w = await startTool({ ...target, requests: 0 }, opt, opt.warmup, false, path.join(dir, `${tag}.warm.txt`)).done;
    if (w.errors > 0) log(`  warm-up had ${w.errors} errors (${w.socketErrors})`);
    rps = w.rps;
  }
  return { ended: Date.now(), rps };
}

/** h2load -n for a run of about `seconds` at the warm-up's rate (whole thousands, at least 10,000). */
export function h2Requests(warmRps: number, seconds: number): number {
  if (!Number.isFinite(warmRps) || warmRps <= 0) return 10_000 * seconds;
  return Math.max(10_000, Math.round((warmRps * seconds) / 1000) * 1000);
}
