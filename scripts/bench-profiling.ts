// The profiling runs of scripts/bench.ts: --profile (V8's sampling profiler in every edge process,
// analysed for the fronts) and --perf (Linux perf on the fronts: CPU time, kernel included).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { helloGroup } from './bench-groups.ts';
import type { Scenario } from './bench-groups.ts';
import { cores, log, measure, targetOf, warmUp } from './bench-measure.ts';
import type { Load, Measured } from './bench-measure.ts';
import { startProcess } from './bench-proc.ts';
import { analyzeProfiles, profileReport } from './bench-profile.ts';
import { describe, repoRoot, startSetup } from './bench-setups.ts';
import type { Context, EdgeCommand, SetupId, Tier } from './bench-setups.ts';

export type ProfileOptions = Load & {
  workers: number;
  /** How many functions (or symbols) to list. */
  top: number;
  /** Profile edge from source (src/ locations) or the single executable (bundle locations). */
  profileEdge: 'source' | 'dist';
  source: EdgeCommand;
};

/**
 * One run of an edge setup with `--cpu-prof` on every edge process (not counted in the tables);
 * reports where the fronts, and for comparison the workers, spend their main thread's time.
 */
export async function cpuProfile(ctx: Context, id: SetupId, o: ProfileOptions): Promise<string> {
  const profDir = path.join(ctx.dir, `${id}-profiles`);
  mkdirSync(profDir, { recursive: true });
  const profFlags = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
  // From source the master's process.execArgv reaches every role it spawns (spawn-role.ts); the
  // single executable takes the options from NODE_OPTIONS, which its children inherit.
  const base = o.profileEdge === 'dist' && ctx.edge.prefix.length === 0 ? ctx.edge : o.source;
  const edge: EdgeCommand =
    base.prefix.length > 0
      ? { ...base, label: `${base.label} with \`node ${profFlags.join(' ')}\``, runFlags: profFlags }
      : { ...base, label: `${base.label} with NODE_OPTIONS="${profFlags.join(' ')}"`, runEnv: { ...process.env, NODE_OPTIONS: profFlags.join(' ') } };
  log(`profile: ${id} (${edge.label})`);
  const running = await startSetup(id, { ...ctx, edge }, `${id}-profile`);
  const target = targetOf(helloGroup(o.connections).scenarios[0] as Scenario, running.origin);
  let m: Measured;
  try {
    const warm = await warmUp(target, `${id}-profile`, ctx.dir, o);
    m = await measure(running, target, `${id}-profile`, ctx.dir, warm.ended, o);
  } finally {
    await running.stop(); // gracefully: the profiles are written when the processes exit
  }
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  const pidOf = (f: string): number => Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(f)?.[1]);
  const pick = (tier: Tier): string[] => files.filter((f) => m.tiers.get(pidOf(f)) === tier).map((f) => path.join(profDir, f));
  const fronts = pick('front');
  const workers = pick('back');
  const r = m.record;
  const out = [
    `### Profile: ${id} (${describe(id, o.workers)})`,
    '',
    `edge ${edge.label}; one ${o.duration} s wrk run after the warm-up, not counted in the tables above: ` +
      `${r.rps.toFixed(0)} req/s, front ${r.usFront.toFixed(1)} µs/req (user ${r.usFrontUser.toFixed(1)} + sys ${r.usFrontSys.toFixed(1)}), ` +
      `total ${r.usTotal.toFixed(1)} µs/req, ${r.errors} errors. Profiles: ${profDir}`,
    '',
    `CPU time of the fronts during the run (from /proc): ${((r.usFront * r.requests) / 1e6).toFixed(2)} s in all threads, ` +
      `${((r.usFrontMain * r.requests) / 1e6).toFixed(2)} s in the main thread(s) (schedstat: ${m.sched.runS.toFixed(2)} s on a CPU, ` +
      `${m.sched.waitS.toFixed(2)} s runnable but waiting for a CPU). The profile samples the main thread's wall-clock time, so time spent ` +
      "waiting for a CPU counts in whatever function the thread was in. V8 labels the whole libuv poll phase '(idle)' until JS runs: " +
      "besides waiting in epoll_wait, '(idle)' holds the read() system calls and the C++ side of socket callbacks.",
    '',
    `#### Fronts (${fronts.length} process(es))`,
    '',
    fronts.length > 0 ? profileReport(analyzeProfiles(fronts, repoRoot, m.window), o.top) : '(no profile was written by the fronts)',
    '',
    `#### App workers (${workers.length} process(es)), for comparison`,
    '',
    workers.length > 0 ? profileReport(analyzeProfiles(workers, repoRoot, m.window), Math.min(o.top, 12)) : '(no profile was written by the workers)',
  ];
  return out.join('\n');
}

/**
 * One run of an edge setup (as measured: ctx.edge) with `perf record -e cpu-clock` attached to its
 * fronts for the length of the wrk run: samples CPU time, not wall time, kernel included. JIT-compiled
 * JS is named through --perf-basic-prof (V8 writes /tmp/perf-PID.map; removed afterwards).
 */
export async function perfProfile(ctx: Context, id: SetupId, o: ProfileOptions, perf: string): Promise<string> {
  const dir = path.join(ctx.dir, `${id}-perf`);
  mkdirSync(dir, { recursive: true });
  const data = path.join(dir, 'perf.data');
  const flag = '--perf-basic-prof';
  const edge: EdgeCommand =
    ctx.edge.prefix.length > 0
      ? { ...ctx.edge, label: `${ctx.edge.label} with \`node ${flag}\``, runFlags: [flag] }
      : { ...ctx.edge, label: `${ctx.edge.label} with NODE_OPTIONS=${flag}`, runEnv: { ...process.env, NODE_OPTIONS: flag } };
  log(`perf: ${id} (${edge.label})`);
  const running = await startSetup(id, { ...ctx, edge }, `${id}-perf`);
  const target = targetOf(helloGroup(o.connections).scenarios[0] as Scenario, running.origin);
  let m: Measured;
  let all: number[] = [];
  try {
    const warm = await warmUp(target, `${id}-perf`, ctx.dir, o);
    m = await measure(running, target, `${id}-perf`, ctx.dir, warm.ended, o, (tiers: Map<number, Tier>) => {
      all = [...tiers.keys()];
      const fronts = all.filter((pid) => tiers.get(pid) === 'front');
      return startProcess('perf', perf, ['record', '-e', 'cpu-clock', '-F', '997', '-o', data, '-p', fronts.join(','), '--', 'sleep', String(o.duration)], {
        logFile: path.join(dir, 'perf-record.log'),
      });
    });
  } finally {
    await running.stop();
  }
  const report = (sort: string, limit: string): Array<[number, string]> => {
    const r = spawnSync(perf, ['report', '-i', data, '--stdio', '--no-children', '--sort', sort, '--percent-limit', limit], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const rows: Array<[number, string]> = [];
    for (const line of (r.stdout ?? '').split('\n')) {
      const match = /^\s+([\d.]+)%\s+(.*)$/.exec(line);
      if (match) rows.push([Number(match[1]), (match[2] as string).trim().replace(/\s{2,}/g, '  ')]);
    }
    return rows;
  };
  const byArea = new Map<string, number>();
  for (const [share, dso] of report('dso', '0')) byArea.set(areaOfObject(dso), (byArea.get(areaOfObject(dso)) ?? 0) + share);
  const rows = report('dso,sym', '0');
  const byKind = new Map<string, number>();
  for (const [share, what] of rows) byKind.set(kindOfSymbol(what), (byKind.get(kindOfSymbol(what)) ?? 0) + share);
  const symbols = rows.slice(0, o.top);
  for (const pid of all) rmSync(`/tmp/perf-${pid}.map`, { force: true });
  const r = m.record;
  return [
    `### perf: ${id} (${describe(id, o.workers)})`,
    '',
    `edge ${edge.label}; \`perf record -e cpu-clock -F 997 -p <fronts>\` during one ${o.duration} s wrk run, not counted in the tables: ` +
      `${r.rps.toFixed(0)} req/s, front ${r.usFront.toFixed(1)} µs/req (user ${r.usFrontUser.toFixed(1)} + sys ${r.usFrontSys.toFixed(1)}), ` +
      `all threads of the fronts, on this ${cores}-core machine. Data: ${data}`,
    '',
    "| where the fronts' CPU time goes (all threads) | share |",
    '|---|---:|',
    ...[...byArea.entries()].sort((a, b) => b[1] - a[1]).map(([a, share]) => `| ${a} | ${share.toFixed(1)}% |`),
    '',
    '| by kind of code (symbol names) | share |',
    '|---|---:|',
    ...[...byKind.entries()].sort((a, b) => b[1] - a[1]).map(([k, share]) => `| ${k} | ${share.toFixed(1)}% |`),
    '',
    `Top ${symbols.length} symbols (share of the fronts' CPU samples):`,
    '',
    '| share | object, symbol |',
    '|---:|---|',
    ...symbols.map(([share, what]) => `| ${share.toFixed(2)}% | \`${what.replace(/\|/g, '\\|')}\` |`),
  ].join('\n');
}

/** A perf `dso  [x] symbol` row → the kind of code it is. */
export function kindOfSymbol(row: string): string {
  const [dso = '', rest = ''] = row.split('  ');
  const sym = rest.replace(/^\[.\]\s*/, '');
  if (dso.startsWith('[kernel')) return 'kernel';
  if (/^perf-\d+\.map$|^\[JIT\]/.test(dso)) return /wasm-function/.test(sym) ? 'WebAssembly' : 'JavaScript (JIT-compiled)';
  if (/^lib(c|m|pthread)[.-]/.test(dso)) return 'libc (memcpy, malloc, …)';
  if (/Scaveng|MarkCompact|Marking|Sweep|Evacuat|IteratePointers|Heap::|MemoryAllocator|Semi[Ss]pace|PagedSpace|NewSpace|MinorM|GCTracer|CppHeap|LocalHeap|Visitor/.test(sym)) return 'V8 garbage collector';
  if (/^v8::internal::(compiler|maglev|baseline)::|^Turboshaft/.test(sym)) return 'V8 optimizing compilers (JIT compilation)';
  if (/^Builtins_/.test(sym)) return 'V8 builtins (inline caches, calls, promises, …)';
  if (/^v8::|^v8_/.test(sym)) return 'V8 runtime (other)';
  if (/^node::/.test(sym)) return 'Node C++ (bindings, streams, http parser)';
  if (/^uv_|^uv__/.test(sym)) return 'libuv';
  if (/^llhttp|^llhttp__/.test(sym)) return 'llhttp (node:http parser)';
  return dso === '' ? 'other' : `other (${dso})`;
}

function areaOfObject(dso: string): string {
  if (dso.startsWith('[kernel')) return 'kernel (system calls, TCP and Unix sockets, scheduler, interrupts)';
  if (/^perf-\d+\.map$|^\[JIT\]/.test(dso)) return 'JIT-compiled JavaScript';
  if (/^(node|edge)$/.test(dso)) return 'the node/edge binary (V8 runtime and builtins, GC, Node C++, libuv, llhttp)';
  if (/^lib/.test(dso)) return `shared library ${dso}`;
  return dso;
}
