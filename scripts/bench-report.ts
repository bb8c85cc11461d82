// The markdown report of scripts/bench.ts for the hello group: medians per setup, ratios
// edge/nginx, and the targets (throughput ≥ 0.5× nginx, total CPU per request ≤ 2×, no errors,
// front + workers under 250 MiB RSS at load). The other groups: bench-report-groups.ts.

import type { GroupId } from './bench-groups.ts';
import type { SetupId } from './bench-setups.ts';

/** One measured run (wrk or h2load) of one scenario on one setup. CPU in µs per request; memory in KiB. */
export type RunRecord = {
  group: GroupId;
  scenario: string;
  setup: SetupId;
  round: number;
  rps: number;
  /** MiB read by the client per second (heads and bodies). */
  mibps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  requests: number;
  errors: number;
  socketErrors: string;
  usFront: number;
  usFrontUser: number;
  usFrontSys: number;
  /** The fronts' main threads alone (the rest: V8's GC and compiler threads, libuv's pool). */
  usFrontMain: number;
  usTotal: number;
  /** Upstream connections opened per 1,000 requests (null: no upstream). */
  connsPer1k: number | null;
  rssFront: number;
  rssFrontAnon: number;
  rssMaster: number;
  rssBack: number;
  rssTotal: number;
  /** Fronts + app workers, without edge's master (the memory target). */
  rssFrontWorkers: number;
  pssTotal: number;
  clientCpuPct: number;
  busyPct: number;
  foreignPct: number;
  stealPct: number;
  notes: string[];
};

export type Discarded = { scenario: string; setup: SetupId; round: number; rps: number; foreignPct: number; stealPct: number };

/** How a run or summary is named in the tables: the setup alone in the hello group. */
export const labelOf = (x: { scenario: string; setup: SetupId }): string => (x.scenario === 'hello' ? x.setup : `${x.scenario} ${x.setup}`);

export const targets = { throughput: 0.5, cpu: 2, rssMiB: 250 };

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const mib = (kib: number): string => fmt(kib / 1024, 1);

export type Summary = {
  scenario: string;
  setup: SetupId;
  title: string;
  runs: number;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  mibps: number;
  p50: number;
  p99: number;
  mean: number;
  usFront: number;
  usFrontUser: number;
  usFrontSys: number;
  usFrontMain: number;
  usTotal: number;
  connsPer1k: number | null;
  rssFront: number;
  rssFrontAnon: number;
  rssMaster: number;
  rssBack: number;
  rssTotal: number;
  rssFrontWorkersMax: number;
  pssTotal: number;
  errors: number;
  clientCpuPct: number;
  busyPct: number;
  foreignPct: number;
  stealPct: number;
  discarded: number;
};

/** Medians over the runs of one scenario on one setup (`runs`: those runs only). */
export function summarize(scenario: string, setup: SetupId, title: string, runs: readonly RunRecord[], discarded: readonly Discarded[]): Summary {
  const of = (f: (r: RunRecord) => number): number => median(runs.map(f));
  const conns = runs.map((r) => r.connsPer1k).filter((c): c is number => c !== null);
  return {
    scenario,
    setup,
    title,
    runs: runs.length,
    rps: of((r) => r.rps),
    rpsMin: Math.min(...runs.map((r) => r.rps)),
    rpsMax: Math.max(...runs.map((r) => r.rps)),
    mibps: of((r) => r.mibps),
    p50: of((r) => r.p50Ms),
    p99: of((r) => r.p99Ms),
    mean: of((r) => r.meanMs),
    usFront: of((r) => r.usFront),
    usFrontUser: of((r) => r.usFrontUser),
    usFrontSys: of((r) => r.usFrontSys),
    usFrontMain: of((r) => r.usFrontMain),
    usTotal: of((r) => r.usTotal),
    connsPer1k: conns.length > 0 ? median(conns) : null,
    rssFront: of((r) => r.rssFront),
    rssFrontAnon: of((r) => r.rssFrontAnon),
    rssMaster: of((r) => r.rssMaster),
    rssBack: of((r) => r.rssBack),
    rssTotal: of((r) => r.rssTotal),
    rssFrontWorkersMax: Math.max(...runs.map((r) => r.rssFrontWorkers)),
    pssTotal: of((r) => r.pssTotal),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    clientCpuPct: of((r) => r.clientCpuPct),
    busyPct: of((r) => r.busyPct),
    foreignPct: of((r) => r.foreignPct),
    stealPct: of((r) => r.stealPct),
    discarded: discarded.filter((d) => d.setup === setup && d.scenario === scenario).length,
  };
}

export function resultsTable(summaries: readonly Summary[]): string {
  const lines = [
    '| setup | req/s (median) | min–max | p50 ms | p99 ms | µs/req front | µs/req total | upstream conns / 1k req | RSS front MiB | RSS total MiB | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of summaries) {
    lines.push(
      `| ${s.setup}: ${s.title} | ${fmt(s.rps)} | ${fmt(s.rpsMin)}–${fmt(s.rpsMax)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${fmt(s.usFront, 1)} | ${fmt(s.usTotal, 1)} | ${s.connsPer1k === null ? 'n/a' : fmt(s.connsPer1k, 2)} | ${mib(s.rssFront)} | ${mib(s.rssTotal)} | ${s.errors} |`,
    );
  }
  return lines.join('\n');
}

export function conditionsTable(summaries: readonly Summary[]): string {
  const lines = [
    '| setup | runs | front µs/req user + sys | of which main thread | RSS MiB front + master + back | front anon MiB | PSS total MiB | wrk CPU % | machine busy % | foreign % | steal % | discarded runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of summaries) {
    lines.push(
      `| ${labelOf(s)} | ${s.runs} | ${fmt(s.usFrontUser, 1)} + ${fmt(s.usFrontSys, 1)} | ${fmt(s.usFrontMain, 1)} | ${mib(s.rssFront)} + ${mib(s.rssMaster)} + ${mib(s.rssBack)} | ${mib(s.rssFrontAnon)} | ${mib(s.pssTotal)} | ${fmt(s.clientCpuPct)} | ${fmt(s.busyPct)} | ${fmt(s.foreignPct)} | ${fmt(s.stealPct)} | ${s.discarded} |`,
    );
  }
  return lines.join('\n');
}

type Ratio = { rps: number; cpu: number; rpsRounds: number[]; cpuRounds: number[] };

function ratio(edge: SetupId, runs: readonly RunRecord[], summaries: readonly Summary[]): Ratio | null {
  const e = summaries.find((s) => s.setup === edge);
  const n = summaries.find((s) => s.setup === 'nginx');
  if (!e || !n) return null;
  const rpsRounds: number[] = [];
  const cpuRounds: number[] = [];
  for (const round of new Set(runs.map((r) => r.round))) {
    const er = runs.find((r) => r.setup === edge && r.round === round);
    const nr = runs.find((r) => r.setup === 'nginx' && r.round === round);
    if (er && nr) {
      rpsRounds.push(er.rps / nr.rps);
      cpuRounds.push(er.usTotal / nr.usTotal);
    }
  }
  return { rps: e.rps / n.rps, cpu: e.usTotal / n.usTotal, rpsRounds, cpuRounds };
}

const range = (v: readonly number[]): string => (v.length === 0 ? 'n/a' : `${fmt(Math.min(...v), 2)}–${fmt(Math.max(...v), 2)}`);

export function ratiosTable(runs: readonly RunRecord[], summaries: readonly Summary[]): string {
  const lines = [
    '| setup | throughput edge/nginx | per round | total CPU/req edge/nginx | per round |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const id of ['edge', 'edge-f2'] as const) {
    const r = ratio(id, runs, summaries);
    if (r === null) continue;
    lines.push(`| ${id} | ${fmt(r.rps, 2)}× | ${range(r.rpsRounds)} | ${fmt(r.cpu, 2)}× | ${range(r.cpuRounds)} |`);
  }
  return lines.length > 2 ? lines.join('\n') : '(needs an edge setup and the nginx setup)';
}

export function targetsTable(runs: readonly RunRecord[], summaries: readonly Summary[]): string {
  const lines = ['| setup | target | measured | verdict |', '|---|---|---:|---|'];
  for (const id of ['edge', 'edge-f2'] as const) {
    const s = summaries.find((x) => x.setup === id);
    if (!s) continue;
    const r = ratio(id, runs, summaries);
    if (r !== null) {
      const t = targets.throughput;
      lines.push(
        `| ${id} | throughput ≥ ${t}× nginx | ${fmt(r.rps, 2)}× | ${r.rps >= t ? 'met' : `missed: ${fmt((1 - r.rps / t) * 100)}% short (needs ${fmt((t / r.rps - 1) * 100)}% more req/s)`} |`,
      );
      const c = targets.cpu;
      lines.push(
        `| ${id} | total CPU/req ≤ ${c}× nginx | ${fmt(r.cpu, 2)}× | ${r.cpu <= c ? 'met' : `missed: ${fmt((r.cpu / c - 1) * 100)}% over (needs ${fmt((1 - c / r.cpu) * 100)}% less CPU per request)`} |`,
      );
    }
    lines.push(`| ${id} | zero errors | ${s.errors} | ${s.errors === 0 ? 'met' : 'missed'} |`);
    const m = s.rssFrontWorkersMax / 1024;
    lines.push(
      `| ${id} | fronts + workers < ${targets.rssMiB} MiB RSS at load (max of runs) | ${fmt(m, 1)} MiB | ${m < targets.rssMiB ? 'met' : `missed by ${fmt(m - targets.rssMiB, 1)} MiB`} |`,
    );
  }
  return lines.length > 2 ? lines.join('\n') : '(no edge setup measured)';
}

export function runsTable(runs: readonly RunRecord[]): string {
  const lines = [
    '| setup | round | req/s | MiB/s | p50 ms | p99 ms | µs/req front | µs/req total | conns/1k | RSS front / total MiB | errors | foreign % | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of runs) {
    lines.push(
      `| ${labelOf(r)} | ${r.round} | ${fmt(r.rps)} | ${fmt(r.mibps, 1)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.usFront, 1)} | ${fmt(r.usTotal, 1)} | ${r.connsPer1k === null ? 'n/a' : fmt(r.connsPer1k, 2)} | ${mib(r.rssFront)} / ${mib(r.rssTotal)} | ${r.errors} | ${fmt(r.foreignPct)} | ${r.notes.join('; ')} |`,
    );
  }
  return lines.join('\n');
}
