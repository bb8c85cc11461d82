// The markdown report of scripts/bench.ts for the groups after hello (static, tls, gzip): medians
// per scenario and setup, ratios to the nginx setups of the same run, and the targets of the
// front tier: cached 1 KiB file ≥ 0.8× nginx req/s, 4 MiB file ≥ 0.8× MiB/s, TLS HTTP/1.1 hello
// ≥ 0.6×, HTTP/2 hello ≥ 0.5× (1 edge front against worker_processes 1), and the plain-HTTP
// proxy path (the hello group) no slower than before those features; then edge against the
// plain-Node references (node-https, node-h2, node-static), which have no target.

import type { Group } from './bench-groups.ts';
import { fmt, mib } from './bench-report.ts';
import type { RunRecord, Summary } from './bench-report.ts';
import type { SetupId } from './bench-setups.ts';

/** nginx with as many worker processes as the setup has fronts: the anchor of its ratios. */
const sameFronts: Partial<Record<SetupId, SetupId>> = {
  edge: 'nginx',
  'edge-f2': 'nginx-w2',
  nginx: 'nginx',
  'nginx-w2': 'nginx',
  'node-https': 'nginx',
  'node-h2': 'nginx',
  'node-static': 'nginx',
};

type Field = 'rps' | 'mibps' | 'usTotal';

type Ratio = { value: number; rounds: number[] };

/** setup/anchor for one scenario: of the medians, and per round (runs of the same round). */
function ratio(runs: readonly RunRecord[], summaries: readonly Summary[], scenario: string, setup: SetupId, anchor: SetupId, field: Field): Ratio | null {
  const s = summaries.find((x) => x.scenario === scenario && x.setup === setup);
  const a = summaries.find((x) => x.scenario === scenario && x.setup === anchor);
  if (s === undefined || a === undefined) return null;
  const rounds: number[] = [];
  for (const round of new Set(runs.map((r) => r.round))) {
    const sr = runs.find((r) => r.scenario === scenario && r.setup === setup && r.round === round);
    const ar = runs.find((r) => r.scenario === scenario && r.setup === anchor && r.round === round);
    if (sr && ar) rounds.push(sr[field] / ar[field]);
  }
  const value = field === 'usTotal' ? s.usTotal / a.usTotal : field === 'mibps' ? s.mibps / a.mibps : s.rps / a.rps;
  return { value, rounds };
}

const times = (r: Ratio | null): string => (r === null ? 'n/a' : `${fmt(r.value, 2)}×`);
const span = (r: Ratio | null): string => (r === null || r.rounds.length === 0 ? 'n/a' : `${fmt(Math.min(...r.rounds), 2)}–${fmt(Math.max(...r.rounds), 2)}`);

/** One table per group: every scenario on every setup, with its ratios to nginx. */
export function groupTable(group: Group, runs: readonly RunRecord[], summaries: readonly Summary[]): string {
  const lines = [
    '| scenario | setup | req/s (median) | min–max | MiB/s | p99 ms (wrk) / mean ms (h2load) | µs/req front | µs/req total | RSS front MiB | RSS total MiB | errors | req/s vs nginx w1 | vs nginx, same fronts (per round) | CPU/req vs nginx, same fronts |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const sc of group.scenarios) {
    for (const s of summaries.filter((x) => x.scenario === sc.id)) {
      const anchor = sameFronts[s.setup] ?? 'nginx';
      const w1 = s.setup === 'nginx' ? null : ratio(runs, summaries, sc.id, s.setup, 'nginx', 'rps');
      const same = s.setup.startsWith('nginx') ? null : ratio(runs, summaries, sc.id, s.setup, anchor, 'rps');
      const cpu = s.setup.startsWith('nginx') ? null : ratio(runs, summaries, sc.id, s.setup, anchor, 'usTotal');
      const latency = sc.tool === 'wrk' ? fmt(s.p99, 2) : `${fmt(s.mean, 2)} (mean)`;
      lines.push(
        `| ${sc.title} | ${s.setup}: ${s.title} | ${fmt(s.rps)} | ${fmt(s.rpsMin)}–${fmt(s.rpsMax)} | ${fmt(s.mibps, 1)} | ${latency} | ${fmt(s.usFront, 1)} | ${fmt(s.usTotal, 1)} | ` +
          `${mib(s.rssFront)} | ${mib(s.rssTotal)} | ${s.errors} | ${s.setup === 'nginx' ? '1.00×' : times(w1)} | ` +
          `${same === null ? '–' : `${times(same)} (${span(same)})`} | ${cpu === null ? '–' : times(cpu)} |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * The plain-HTTP proxy path before the front tier's features: docs/performance.md, the full
 * run at commit 8d2f655 (2026-11-24), edge/nginx req/s median and per-round range.
 */
export const before = { commit: '8d2f655', edge: { ratio: 0.56, low: 0.55, high: 0.58 }, 'edge-f2': { ratio: 0.74, low: 0.73, high: 0.75 } } as const;

type TargetRow = { scenario: string; what: string; field: Field; min: number };

const frontTargets: readonly TargetRow[] = [
  { scenario: 'static-1k', what: 'cached 1 KiB file: req/s ≥ 0.8× nginx', field: 'rps', min: 0.8 },
  { scenario: 'static-4m', what: '4 MiB file: MiB/s ≥ 0.8× nginx', field: 'mibps', min: 0.8 },
  { scenario: 'tls-h1-return', what: 'TLS HTTP/1.1 hello (`return 200`): req/s ≥ 0.6× nginx', field: 'rps', min: 0.6 },
  { scenario: 'tls-h2-return', what: 'HTTP/2 hello (`return 200`): req/s ≥ 0.5× nginx', field: 'rps', min: 0.5 },
];

const verdict = (value: number, min: number): string =>
  !Number.isFinite(value) ? 'not measured' : value >= min ? 'met' : `missed: ${fmt((1 - value / min) * 100)}% short (needs ${fmt((min / value - 1) * 100)}% more)`;

/** The front tier's targets (1 edge front against nginx worker_processes 1), and zero errors. */
export function frontTargetsTable(runs: readonly RunRecord[], summaries: readonly Summary[]): string {
  const lines = ['| target | measured (per round) | verdict |', '|---|---:|---|'];
  for (const t of frontTargets) {
    const r = ratio(runs, summaries, t.scenario, 'edge', 'nginx', t.field);
    if (r === null) continue;
    lines.push(`| ${t.what} | ${times(r)} (${span(r)}) | ${verdict(r.value, t.min)} |`);
  }
  const hello = ratio(runs, summaries, 'hello', 'edge', 'nginx', 'rps');
  if (hello !== null) {
    const b = before.edge;
    lines.push(
      `| plain-HTTP proxy path (hello group) no slower than before: req/s ≥ ${b.low}× nginx, the lowest round of commit ${before.commit} (median ${b.ratio}×, docs/performance.md) | ${times(hello)} (${span(hello)}) | ${verdict(hello.value, b.low)} |`,
    );
    const f2 = ratio(runs, summaries, 'hello', 'edge-f2', 'nginx', 'rps');
    const b2 = before['edge-f2'];
    if (f2 !== null) lines.push(`| … with front_processes 2: ≥ ${b2.low}× nginx w1 (before: ${b2.ratio}×) | ${times(f2)} (${span(f2)}) | ${verdict(f2.value, b2.low)} |`);
  }
  const edgeRuns = summaries.filter((s) => s.setup === 'edge' || s.setup === 'edge-f2');
  const errors = edgeRuns.reduce((n, s) => n + s.errors, 0);
  if (edgeRuns.length > 0) lines.push(`| no errors in any edge run | ${errors} | ${errors === 0 ? 'met' : `missed (${edgeRuns.filter((s) => s.errors > 0).map((s) => `${s.scenario} ${s.setup}`).join(', ')})`} |`);
  return lines.length > 2 ? lines.join('\n') : '(needs edge and nginx in the same run)';
}

type ReferenceRow = { scenario: string; what: string; field: Field; reference: SetupId; name: string; anchor?: { ratio: number; row: string; target: number } };

/**
 * edge against plain Node. The anchors: what Node reached against nginx on the machine of
 * ../shared/anchors/report.md (rows C3, C5), from which the issue's TLS targets were set.
 */
const referenceRows: readonly ReferenceRow[] = [
  { scenario: 'tls-h1-return', what: 'TLS HTTP/1.1 `return`', field: 'rps', reference: 'node-https', name: 'Node https', anchor: { ratio: 0.41, row: 'C3', target: 0.6 } },
  { scenario: 'tls-h2-return', what: 'HTTP/2 `return`', field: 'rps', reference: 'node-h2', name: 'Node http2 (stream API)', anchor: { ratio: 0.47, row: 'C5', target: 0.5 } },
  { scenario: 'static-1k', what: '1 KiB file', field: 'rps', reference: 'node-static', name: 'Node static' },
  { scenario: 'static-64k', what: '64 KiB file', field: 'rps', reference: 'node-static', name: 'Node static' },
  { scenario: 'static-4m', what: '4 MiB file (MiB/s)', field: 'mibps', reference: 'node-static', name: 'Node static' },
];

/** One line per scenario measured on edge and its plain-Node reference: where Node's own ceiling is. */
export function referenceLines(runs: readonly RunRecord[], summaries: readonly Summary[]): string {
  const lines: string[] = [];
  for (const r of referenceRows) {
    const vsNode = ratio(runs, summaries, r.scenario, 'edge', r.reference, r.field);
    if (vsNode === null) continue;
    const nodeVsNginx = ratio(runs, summaries, r.scenario, r.reference, 'nginx', r.field);
    let line = `- ${r.what}: edge = ${times(vsNode)} ${r.name} (per round ${span(vsNode)})`;
    if (nodeVsNginx !== null) {
      line += `; ${r.name} = ${times(nodeVsNginx)} nginx`;
      const a = r.anchor;
      // The target as a multiple of Node: what it asked of edge where it was set, and here.
      if (a !== undefined) line += ` (anchor ${a.row}: ${fmt(a.ratio, 2)}×; the ${a.target}× target = ${fmt(a.target / a.ratio, 2)}× ${r.name} there, ${fmt(a.target / nodeVsNginx.value, 2)}× here)`;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** 2 fronts against nginx worker_processes 2, for the same scenarios (no target). */
export function twoFrontsTable(runs: readonly RunRecord[], summaries: readonly Summary[]): string {
  const lines = ['| scenario | edge-f2 / nginx-w2 req/s (per round) | MiB/s | total CPU/req |', '|---|---:|---:|---:|'];
  for (const sc of [...new Set(summaries.filter((s) => s.setup === 'edge-f2' && s.scenario !== 'hello').map((s) => s.scenario))]) {
    const r = ratio(runs, summaries, sc, 'edge-f2', 'nginx-w2', 'rps');
    if (r === null) continue;
    lines.push(`| ${sc} | ${times(r)} (${span(r)}) | ${times(ratio(runs, summaries, sc, 'edge-f2', 'nginx-w2', 'mibps'))} | ${times(ratio(runs, summaries, sc, 'edge-f2', 'nginx-w2', 'usTotal'))} |`);
  }
  return lines.length > 2 ? lines.join('\n') : '';
}

/** What the answer checks saw (TLS parameters, gzip sizes), one line per scenario and setup. */
export function answersList(notes: ReadonlyMap<string, string>): string {
  return [...notes.entries()].map(([key, note]) => `- ${key}: ${note}`).join('\n');
}
