// Reading V8 .cpuprofile files (node --cpu-prof) for scripts/bench.ts --profile: self time per
// function, summed over several processes (the fronts), time per code area, and the
// inclusive time of edge's own functions.

import { readFileSync } from 'node:fs';
import path from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type FunctionTime = { name: string; location: string; area: string; selfMs: number; totalMs: number; callers: Map<FunctionTime, number>; origins: Map<FunctionTime, number> };

/** Only samples taken in this window (µs of CLOCK_MONOTONIC, as process.hrtime and V8 both use). */
export type Window = { fromUs: number; toUs: number };

export type ProfileSummary = {
  files: number;
  samples: number;
  /** The sampled time analysed (the window, or the processes' whole life), summed over the files. */
  wallMs: number;
  windowed: boolean;
  /** Sampled time that was not (idle). */
  busyMs: number;
  idleMs: number;
  functions: FunctionTime[];
  areas: Array<{ area: string; selfMs: number }>;
};

const isOwnCode = (area: string): boolean => area.startsWith('edge') || area === 'undici' || area.startsWith('scripts/');

const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url: string, root: string): string {
  let u = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + '/node_modules/'.length);
  if (u.startsWith(`${root}/`)) u = u.slice(root.length + 1);
  return u;
}

/** The code area a frame belongs to, for the "where the time goes" summary. */
export function areaOf(frame: CallFrame, root: string): string {
  const name = frame.functionName;
  if (special.has(name)) return name;
  const url = shortUrl(frame.url, root);
  if (url === '') return 'native (V8 builtins, Node bindings)';
  if (url.startsWith('undici/')) return 'undici';
  if (url.startsWith('src/')) return `edge ${path.dirname(url)}/`;
  if (url.startsWith('dist/') || url.includes('edge.cjs')) return 'edge (bundle)';
  if (/^node:(_http_|http|internal\/http)/.test(url)) return 'node: http';
  if (/^node:(net|internal\/net|internal\/stream_base_commons|internal\/dns)/.test(url)) return 'node: net';
  if (/^node:(stream|internal\/streams)/.test(url)) return 'node: streams';
  if (/^node:(events|internal\/events)/.test(url)) return 'node: events';
  if (/^node:internal\/(timers|process\/task_queues|async_hooks)|^node:timers/.test(url)) return 'node: timers, ticks';
  if (/^node:(internal\/)?(buffer|util)/.test(url)) return 'node: buffer, util';
  if (url.startsWith('node:')) return 'node: other';
  return url;
}

export function analyzeProfiles(files: readonly string[], root: string, window?: Window): ProfileSummary {
  const byKey = new Map<string, FunctionTime>();
  const areas = new Map<string, number>();
  let samples = 0;
  let wallMs = 0;
  let idleMs = 0;
  let windowed = window !== undefined;
  const parsed = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  // The window is kept only if every profile has samples in it (else the clocks disagree).
  if (window !== undefined && parsed.some((p) => p.endTime < window.fromUs || p.startTime > window.toUs)) windowed = false;
  for (const profile of parsed) {
    const from = windowed && window ? Math.max(window.fromUs, profile.startTime) : profile.startTime;
    const to = windowed && window ? Math.min(window.toUs, profile.endTime) : profile.endTime;
    wallMs += (to - from) / 1000;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const keyOf = (n: ProfileNode): string => {
      const f = n.callFrame;
      return `${f.functionName || '(anonymous)'}\u0000${shortUrl(f.url, root)}${f.url === '' ? '' : `:${f.lineNumber + 1}`}`;
    };
    const entry = (n: ProfileNode): FunctionTime => {
      const key = keyOf(n);
      let e = byKey.get(key);
      if (e === undefined) {
        const [name, location] = key.split('\u0000') as [string, string];
        e = { name, location, area: areaOf(n.callFrame, root), selfMs: 0, totalMs: 0, callers: new Map(), origins: new Map() };
        byKey.set(key, e);
      }
      return e;
    };
    const n = profile.samples.length;
    const mean = n > 0 ? (profile.endTime - profile.startTime) / n : 0;
    let at = profile.startTime;
    for (let i = 0; i < n; i++) {
      at += profile.timeDeltas[i] ?? 0;
      if (at < from || at >= to) continue;
      // a sample stands for the time until the next one
      const ms = (profile.timeDeltas[i + 1] ?? mean) / 1000;
      const node = nodes.get(profile.samples[i] as number);
      if (node === undefined) continue;
      samples++;
      if (node.callFrame.functionName === '(idle)') {
        idleMs += ms;
        continue;
      }
      const self = entry(node);
      self.selfMs += ms;
      // the nearest caller that is another function
      for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
        const caller = entry(nodes.get(id) as ProfileNode);
        if (caller === self) continue;
        self.callers.set(caller, (self.callers.get(caller) ?? 0) + ms);
        break;
      }
      // the nearest frame in edge's own code, undici or the app: who caused this time
      if (!isOwnCode(self.area)) {
        for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
          const frame = entry(nodes.get(id) as ProfileNode);
          if (!isOwnCode(frame.area)) continue;
          self.origins.set(frame, (self.origins.get(frame) ?? 0) + ms);
          break;
        }
      }
      const area = areaOf(node.callFrame, root);
      areas.set(area, (areas.get(area) ?? 0) + ms);
      // inclusive time: once per function on this sample's stack
      const seen = new Set<FunctionTime>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const frame = nodes.get(id) as ProfileNode;
        if (frame.callFrame.functionName === '(root)') break;
        const e = entry(frame);
        if (!seen.has(e)) {
          seen.add(e);
          e.totalMs += ms;
        }
      }
    }
  }
  const functions = [...byKey.values()];
  const busyMs = functions.reduce((s, f) => s + f.selfMs, 0);
  return {
    files: files.length,
    samples,
    wallMs,
    windowed,
    busyMs,
    idleMs,
    functions,
    areas: [...areas.entries()].map(([area, selfMs]) => ({ area, selfMs })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

const pct = (part: number, whole: number): string => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a');

export function profileReport(p: ProfileSummary, top: number): string {
  const out: string[] = [];
  out.push(
    `${p.files} profile(s), ${p.samples} samples over ${(p.wallMs / 1000).toFixed(1)} s of process time ` +
      `(${p.windowed ? 'the measured run only' : 'the whole life of the processes: start, warm-up and run'}): ` +
      `${(p.busyMs / 1000).toFixed(2)} s busy on the main thread (JS, builtins, Node bindings with the system calls they make, GC), ` +
      `${(p.idleMs / 1000).toFixed(2)} s '(idle)' (libuv's poll phase outside JS: epoll_wait, reads, C++ callbacks).`,
  );
  out.push('', `Top ${top} functions by self time (share of busy time):`, '');
  out.push('| # | self ms | self % | total % | function | location | area |', '|---:|---:|---:|---:|---|---|---|');
  const bySelf = [...p.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  bySelf.forEach((f, i) => {
    out.push(`| ${i + 1} | ${f.selfMs.toFixed(0)} | ${pct(f.selfMs, p.busyMs)} | ${pct(f.totalMs, p.busyMs)} | \`${f.name}\` | ${f.location || '—'} | ${f.area} |`);
  });
  out.push('', "Where the top 10 are called from (share of the function's self time): the nearest calling function, and the nearest frame in edge's code, undici or the app.", '');
  out.push('| function | direct callers | from edge / undici / app code |', '|---|---|---|');
  const callers = (m: Map<FunctionTime, number>, of: number): string =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([c, ms]) => `\`${c.name}\` ${c.location} (${pct(ms, of)})`)
      .join('; ') || '—';
  for (const f of bySelf.slice(0, 10)) out.push(`| \`${f.name}\` | ${callers(f.callers, f.selfMs)} | ${callers(f.origins, f.selfMs)} |`);
  out.push('', 'Self time by area:', '', '| area | self ms | share of busy |', '|---|---:|---:|');
  for (const a of p.areas) out.push(`| ${a.area} | ${a.selfMs.toFixed(0)} | ${pct(a.selfMs, p.busyMs)} |`);
  const own = p.functions.filter((f) => f.area.startsWith('edge')).sort((a, b) => b.totalMs - a.totalMs).slice(0, 15);
  if (own.length > 0) {
    out.push('', "edge's own functions by inclusive time (self + everything they call):", '');
    out.push('| function | location | total ms | total % | self % |', '|---|---|---:|---:|---:|');
    for (const f of own) out.push(`| \`${f.name}\` | ${f.location} | ${f.totalMs.toFixed(0)} | ${pct(f.totalMs, p.busyMs)} | ${pct(f.selfMs, p.busyMs)} |`);
  }
  return out.join('\n');
}
