// `npm run bench`: edge side by side with nginx (and node:cluster, plain Node) over loopback, in groups of
// scenarios. A benchmark, not a test: it never fails on the numbers. See docs/performance.md.
//
//   node scripts/bench.ts [--groups hello] [--rounds 3] [--duration 8] [--warmup 2] [--connections 64]
//                         [--threads 1] [--workers 2] [--setups edge,edge-f2,nginx,nginx-w2,cluster,node-https,node-h2,node-static]
//                         [--scenarios ID,...] [--h2-requests 0] [--edge auto|dist|source] [--out FILE] [--profile]
//                         [--profile-edge source|dist] [--profile-top 25] [--perf] [--quiet-pct 15]
//                         [--quiet-max 120] [--max-foreign 20] [--max-steal 12] [--retries 3] [--keep] [--no-install]
//   (or BENCH_GROUPS, BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_THREADS,
//    BENCH_WORKERS, BENCH_SETUPS, BENCH_SCENARIOS, BENCH_H2_REQUESTS, BENCH_EDGE, BENCH_OUT, BENCH_PROFILE=1, BENCH_PERF=1)
//
// --groups (comma-separated, or all = hello,static,tls,gzip; default hello). With the defaults
// (3 rounds, 8 s runs) hello takes about 3 min, static 10, tls 12, gzip 3: all about 27 min.
//   hello   "Hello, World!\n" through the app, plain HTTP/1.1, wrk -c64 (--connections);
//           setups edge, edge-f2, nginx, cluster
//   static  files of 1 KiB, 64 KiB, 4 MiB (random bytes, made in the temp dir) at /files/,
//           open-file cache on, wrk -c64 / -c64 / -c16; reports MiB/s too
//   tls     TLS (RSA-2048 certificate made with openssl): HTTP/1.1 keep-alive (wrk -c64) and
//           HTTP/2 (h2load -c32 -m10 -n N), a `return 200` location and through the app
//   gzip    the app's 100 KiB text/plain answer, gzip level 1, wrk -c64 -H 'Accept-Encoding: gzip'
//   static, tls and gzip measure edge, edge-f2, nginx (worker_processes 1) and nginx-w2 (2);
//   with them, for reference, plain Node in 1 process: static node-static (node:http, files
//   ≤ 1 MiB from memory, larger ones fs.createReadStream), tls node-https (https.createServer,
//   tls-h1-return only) and node-h2 (http2.createSecureServer 'stream' API, tls-h2-return only).
// --setups narrows every group to the setups named (each measures only the scenarios it serves:
// cluster hello, node-https/node-h2 the tls `return` ones, node-static static); --scenarios to
// the scenarios named: hello, static-1k, static-64k, static-4m, tls-h1-return, tls-h2-return,
// tls-h1-app, tls-h2-app, gzip-100k.
// --h2-requests: h2load -n; 0 (default) sizes it from the warm-up's rate to last about --duration.
//
// Each round starts every setup of every group in turn (round-robin), checks each scenario's
// answer (status, bytes, headers; TLS: the certificate and ALPN; gzip: it gunzips to the app's
// text), then per scenario warms up (not recorded), waits for a quiet machine and measures one
// wrk (--latency) or h2load run while reading CPU time and memory of every process of the setup
// from /proc. The report gives medians over the rounds and ratios to nginx of the same run.
// --profile adds one run per edge setup with `--cpu-prof` (hello; from source by default; not
// counted in the tables) and prints where the fronts spend their time; --perf does the same
// with Linux perf on the measured executable. --rounds 0 --profile only profiles.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ask } from './bench-answer.ts';
import { groupIds, helloGroup, makeAssets, makeGroups, urlOf } from './bench-groups.ts';
import type { Group, GroupId, Scenario } from './bench-groups.ts';
import { h2loadTls } from './bench-h2load.ts';
import { cores, h2Requests, log, measure, targetOf, warmUp } from './bench-measure.ts';
import { killAllNow, stopAll } from './bench-proc.ts';
import { cpuProfile, perfProfile } from './bench-profiling.ts';
import type { ProfileOptions } from './bench-profiling.ts';
import { conditionsTable, ratiosTable, resultsTable, runsTable, summarize, targetsTable } from './bench-report.ts';
import type { Discarded, RunRecord, Summary } from './bench-report.ts';
import { answersList, frontTargetsTable, groupTable, referenceLines, twoFrontsTable } from './bench-report-groups.ts';
import { askOptions } from './bench-running.ts';
import { describe, isEdge, repoRoot, serves, setupIds, startSetup } from './bench-setups.ts';
import type { Context, EdgeCommand, Running, SetupId } from './bench-setups.ts';
import { allPackages, chooseEdge, ensureTools, findBinary, versionOf } from './bench-tools.ts';
import type { Tool } from './bench-tools.ts';

const env = process.env;

function usage(message: string): never {
  process.stderr.write(`bench: ${message} (see node scripts/bench.ts --help)\n`);
  process.exit(2);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        groups: { type: 'string', default: env.BENCH_GROUPS ?? 'hello' },
        rounds: { type: 'string', default: env.BENCH_ROUNDS ?? '3' },
        duration: { type: 'string', default: env.BENCH_DURATION ?? '8' },
        warmup: { type: 'string', default: env.BENCH_WARMUP ?? '2' },
        connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '64' },
        threads: { type: 'string', default: env.BENCH_THREADS ?? '1' },
        workers: { type: 'string', default: env.BENCH_WORKERS ?? '2' },
        setups: { type: 'string', default: env.BENCH_SETUPS },
        scenarios: { type: 'string', default: env.BENCH_SCENARIOS },
        'h2-requests': { type: 'string', default: env.BENCH_H2_REQUESTS ?? '0' },
        edge: { type: 'string', default: env.BENCH_EDGE ?? 'auto' },
        out: { type: 'string', default: env.BENCH_OUT },
        profile: { type: 'boolean', default: env.BENCH_PROFILE === '1' },
        'profile-top': { type: 'string', default: '25' },
        'profile-edge': { type: 'string', default: 'source' },
        perf: { type: 'boolean', default: env.BENCH_PERF === '1' },
        'quiet-pct': { type: 'string', default: '15' },
        'quiet-max': { type: 'string', default: '120' },
        'max-foreign': { type: 'string', default: '20' },
        'max-steal': { type: 'string', default: '12' },
        retries: { type: 'string', default: '3' },
        keep: { type: 'boolean', default: false },
        'no-install': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
})();

if (flags.help) {
  const head = readFileSync(import.meta.filename, 'utf8').split('\n\n')[0] as string;
  process.stdout.write(`${head.replace(/^\/\/ ?/gm, '')}\n\nMay install (apt-get, as root, when missing): ${allPackages}.\n`);
  process.exit(0);
}

function int(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`--${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const opt = {
  rounds: int('rounds', flags.rounds, 0),
  duration: int('duration', flags.duration, 1),
  warmup: int('warmup', flags.warmup, 0),
  connections: int('connections', flags.connections, 1),
  threads: int('threads', flags.threads, 1),
  workers: int('workers', flags.workers, 1),
  h2Requests: int('h2-requests', flags['h2-requests'], 0),
  profileTop: int('profile-top', flags['profile-top'], 1),
  quietPct: Number(flags['quiet-pct']),
  quietMax: int('quiet-max', flags['quiet-max'], 0),
  maxForeign: Number(flags['max-foreign']),
  maxSteal: Number(flags['max-steal']),
  retries: int('retries', flags.retries, 0),
  groups: (flags.groups === 'all' ? [...groupIds] : list(flags.groups as string)) as GroupId[],
  /** null: each group's own setups. */
  setups: flags.setups === undefined ? null : (list(flags.setups) as SetupId[]),
  /** null: every scenario of the groups. */
  scenarios: flags.scenarios === undefined ? null : list(flags.scenarios),
  edge: flags.edge as string,
};
for (const g of opt.groups) if (!groupIds.includes(g)) usage(`unknown group "${g}"; known: ${groupIds.join(', ')} (or all)`);
for (const s of opt.setups ?? []) if (!setupIds.includes(s)) usage(`unknown setup "${s}"; known: ${setupIds.join(', ')}`);
if (!['dist', 'source'].includes(flags['profile-edge'] as string)) usage(`--profile-edge must be dist or source, got "${flags['profile-edge']}"`);
if (!['auto', 'dist', 'source'].includes(opt.edge)) usage(`--edge must be auto, dist or source, got "${opt.edge}"`);

/** The setups a group measures: its own, or those of --setups; each serving one of its scenarios at least. */
function setupsOf(group: Group): SetupId[] {
  return (opt.setups ?? group.setups).filter((id) => group.scenarios.some((sc) => serves(id, sc)));
}

/** The scenarios of a group a setup is measured on (the plain-Node references: some). */
const scenariosOf = (group: Group, id: SetupId): Scenario[] => group.scenarios.filter((sc) => serves(id, sc));

/** The groups with only the scenarios of --scenarios (groups left with none are dropped). */
function narrow(groups: Group[]): Group[] {
  const wanted = opt.scenarios;
  if (wanted === null) return groups;
  const known = groups.flatMap((g) => g.scenarios.map((s) => s.id));
  for (const id of wanted) if (!known.includes(id)) usage(`unknown scenario "${id}" in groups ${opt.groups.join(', ')}; known: ${known.join(', ')}`);
  return groups.map((g) => ({ ...g, scenarios: g.scenarios.filter((s) => wanted.includes(s.id)) })).filter((g) => g.scenarios.length > 0);
}

/** The groups and scenarios to run, before their files and certificate exist (checks the flags). */
const planned = narrow(makeGroups(opt.groups, { www: '', files: new Map(), tls: null, text: Buffer.alloc(0) }, opt.connections));

const sourceEdge: EdgeCommand = {
  label: `from source (${path.relative(repoRoot, process.execPath)} src/main.ts)`,
  command: process.execPath,
  prefix: [path.join(repoRoot, 'src/main.ts')],
};

/**
 * The measured runs and about how long they take: per run the load and its warm-up plus ~1.5 s
 * (the quiet-machine check, /proc, edge status) and, through edge's app, the heartbeat wait;
 * per setup start its start, answer checks and stop.
 */
function estimateMinutes(groups: readonly Group[]): { runs: number; minutes: number } {
  let runs = 0;
  let seconds = 0;
  for (const g of groups) {
    for (const id of setupsOf(g)) {
      seconds += isEdge(id) ? 3 : 1.5; // start, answer checks, stop
      for (const sc of scenariosOf(g, id)) {
        runs++;
        seconds += 1.5 + opt.warmup + opt.duration + (isEdge(id) && sc.viaApp ? 1.2 : 0);
      }
    }
  }
  return { runs: runs * opt.rounds, minutes: (seconds * opt.rounds) / 60 };
}

function environment(tools: Map<Tool, string>, edge: EdgeCommand, groups: readonly Group[]): string[] {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  let rev = 'unknown';
  try {
    rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    if (dirty !== '') rev += ` + uncommitted changes in src/ (${dirty.split('\n').length} files)`;
  } catch {
    // not a git checkout
  }
  const version = (t: Tool, args: string[], clean: (v: string) => string): string[] => {
    const file = tools.get(t);
    return file === undefined ? [] : [`${t}: ${clean(versionOf(file, args))}`];
  };
  const versions = [
    `node: ${process.version}`,
    ...version('nginx', ['-v'], (v) => v.replace(/^nginx version: /, '')),
    ...version('wrk', ['-v'], (v) => v.split(' [')[0] as string),
    ...version('h2load', ['--version'], (v) => v.replace(/^h2load /, '')),
    ...version('openssl', ['version'], (v) => v.split(' ').slice(0, 2).join(' ')),
  ];
  const loads = groups.map((g) => {
    const parts = g.scenarios.map((s) => (s.tool === 'wrk' ? `${s.id} wrk -t${opt.threads} -c${s.connections}` : `${s.id} h2load -t1 -c${s.connections} -m${s.streams}`));
    const setups = setupsOf(g).map((id) => {
      const some = scenariosOf(g, id);
      return some.length < g.scenarios.length ? `${id} (${some.map((sc) => sc.id).join(', ')})` : id;
    });
    return `${g.id}: ${parts.join(', ')}; setups ${setups.join(', ')}`;
  });
  return [
    `date: ${new Date().toISOString().slice(0, 19)}Z`,
    `machine: ${cpu}, ${cores} cores (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${os.release()}`,
    versions.join('  '),
    `edge: ${edge.label}, commit ${rev}`,
    `load: ${opt.duration} s runs (wrk -d${opt.duration}s --latency; h2load -n ${opt.h2Requests > 0 ? opt.h2Requests : `sized from the warm-up for ~${opt.duration} s`}) after a ${opt.warmup} s warm-up; ` +
      `${opt.rounds} round(s) round-robin; ${opt.workers} app processes per setup with an app`,
    ...loads.map((l) => `  ${l}`),
  ];
}

// ---- the benchmark ----------------------------------------------------------------------------

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Every scenario's answer from a started setup, checked; the notes worth reporting. */
async function checkAnswers(group: Group, id: SetupId, running: Running, notes: Map<string, string>): Promise<void> {
  for (const sc of scenariosOf(group, id)) {
    const answer = await ask(urlOf(sc, running.origin), askOptions(group.site, sc));
    const wrong = sc.check(answer);
    if (wrong !== null) throw new Error(`${sc.id}: wrong answer from ${urlOf(sc, running.origin)}: ${wrong}`);
    if (sc.note !== undefined && !notes.has(`${sc.id} ${id}`)) notes.set(`${sc.id} ${id}`, sc.note(answer));
  }
}

type Outcome = { runs: RunRecord[]; discarded: Discarded[]; failures: string[]; notes: Map<string, string> };

async function benchmark(ctx: Context, groups: readonly Group[], out: Outcome): Promise<void> {
  const { runs, discarded, failures, notes } = out;
  for (let round = 1; round <= opt.rounds; round++) {
    for (const group of groups) {
      for (const id of setupsOf(group)) {
        const tag = group.id === 'hello' ? `${id}-r${round}` : `${group.id}-${id}-r${round}`;
        log(`round ${round}/${opt.rounds}: ${group.id}: ${id} (${describe(id, opt.workers, group.site)})`);
        let running: Running;
        try {
          running = await startSetup(id, ctx, tag, group);
        } catch (error) {
          const text = `round ${round}: ${group.id}: ${id} did not start: ${message(error)} (logs: ${ctx.dir}/${tag}.*)`;
          failures.push(text);
          log(`  ${text}`);
          continue;
        }
        try {
          await checkAnswers(group, id, running, notes);
          for (const sc of scenariosOf(group, id)) {
            const target = targetOf(sc, running.origin);
            const stem = group.id === 'hello' ? tag : `${tag}-${sc.id}`;
            const warm = await warmUp(target, stem, ctx.dir, opt);
            if (sc.tool === 'h2load') target.requests = opt.h2Requests > 0 ? opt.h2Requests : h2Requests(warm.rps, opt.duration);
            for (let attempt = 1; ; attempt++) {
              const m = await measure(running, target, `${stem}.a${attempt}`, ctx.dir, warm.ended, opt);
              const r = m.record;
              if (sc.tool === 'h2load' && !notes.has(`${sc.id} ${id} (h2load)`)) notes.set(`${sc.id} ${id} (h2load)`, h2loadTls(m.wrk.raw));
              const noisy = r.foreignPct > opt.maxForeign || r.stealPct > opt.maxSteal;
              const used = discarded.filter((d) => d.setup === id && d.scenario === sc.id && d.round === round).length;
              if (noisy && used < opt.retries) {
                discarded.push({ scenario: sc.id, setup: id, round, rps: r.rps, foreignPct: r.foreignPct, stealPct: r.stealPct });
                log(`  discarded: other load on the machine (foreign ${r.foreignPct.toFixed(0)}%, steal ${r.stealPct.toFixed(0)}% of a core); ${r.rps.toFixed(0)} req/s; again`);
                continue;
              }
              if (noisy) r.notes.push(`kept although foreign ${r.foreignPct.toFixed(0)}% / steal ${r.stealPct.toFixed(0)}%`);
              runs.push({ group: group.id, scenario: sc.id, setup: id, round, ...r });
              log(
                `  ${group.id === 'hello' ? '' : `${sc.id}: `}${r.rps.toFixed(0)} req/s, ${r.mibps.toFixed(1)} MiB/s, ` +
                  `${sc.tool === 'wrk' ? `p99 ${r.p99Ms.toFixed(2)} ms` : `mean ${r.meanMs.toFixed(2)} ms`}, ${r.usFront.toFixed(1)}/${r.usTotal.toFixed(1)} µs/req front/total, ` +
                  `${r.connsPer1k === null ? '-' : r.connsPer1k.toFixed(2)} conns/1k, RSS ${(r.rssTotal / 1024).toFixed(0)} MiB, ${r.errors} errors` +
                  `${r.notes.length > 0 ? ` (${r.notes.join('; ')})` : ''}`,
              );
              break;
            }
          }
        } catch (error) {
          const text = `round ${round}: ${group.id}: ${id}: ${message(error)} (logs: ${ctx.dir}/${tag}.*)`;
          failures.push(text);
          log(`  ${text}`);
        } finally {
          const killed = await running.stop();
          if (killed.length > 0) log(`  had to SIGKILL ${killed.join(', ')} after SIGTERM`);
        }
      }
    }
  }
}

// ---- the report -------------------------------------------------------------------------------

function summaries(groups: readonly Group[], out: Outcome): Summary[] {
  const all: Summary[] = [];
  for (const g of groups) {
    for (const sc of g.scenarios) {
      for (const id of setupsOf(g)) {
        const runs = out.runs.filter((r) => r.scenario === sc.id && r.setup === id);
        if (runs.length > 0) all.push(summarize(sc.id, id, describe(id, opt.workers, g.site), runs, out.discarded));
      }
    }
  }
  return all;
}

function helloSection(h: string, runs: readonly RunRecord[], sums: readonly Summary[]): string[] {
  return [
    `${h} Results (medians of ${opt.rounds} run(s) per setup)`,
    '',
    resultsTable(sums),
    '',
    `${h} edge / nginx`,
    '',
    ratiosTable(runs, sums),
    '',
    `${h} Targets`,
    '',
    targetsTable(runs, sums),
    '',
  ];
}

function report(header: readonly string[], groups: readonly Group[], out: Outcome, profiles: readonly string[]): string {
  const sums = summaries(groups, out);
  const onlyHello = groups.length === 1 && groups[0]?.id === 'hello';
  const helloRuns = out.runs.filter((r) => r.group === 'hello');
  const helloSums = sums.filter((s) => s.scenario === 'hello');
  const body: string[] = [];
  if (onlyHello) body.push(...helloSection('###', helloRuns, helloSums));
  else {
    for (const g of groups) {
      if (!sums.some((s) => g.scenarios.some((sc) => sc.id === s.scenario))) continue;
      body.push(`### ${g.id}: ${g.title}`, '');
      if (g.id === 'hello') body.push(...helloSection('####', helloRuns, helloSums));
      else body.push(`Medians of ${opt.rounds} run(s); ratios to nginx measured in the same run.`, '', groupTable(g, out.runs, sums), '');
    }
    body.push('### Targets of the front tier (1 edge front against nginx worker_processes 1)', '', frontTargetsTable(out.runs, sums), '');
    const reference = referenceLines(out.runs, sums);
    if (reference !== '') body.push('Against plain Node on this machine, in the same run (1 edge front / the plain-Node reference; the reference / nginx w1):', '', reference, '');
    const two = twoFrontsTable(out.runs, sums);
    if (two !== '') body.push('### 2 fronts against nginx worker_processes 2 (no target)', '', two, '');
    if (out.notes.size > 0) body.push('### What the answers were (TLS parameters, compressed sizes)', '', answersList(out.notes), '');
  }
  const title = onlyHello ? 'hello world over loopback' : `${groups.map((g) => g.id).join(', ')} over loopback`;
  return [
    `## edge benchmark: ${title}`,
    '',
    ...header.map((l) => `    ${l}`),
    '',
    ...(out.failures.length > 0 ? ['### Failures', '', ...out.failures.map((f) => `- ${f}`), ''] : []),
    ...(out.runs.length > 0
      ? [
          ...body,
          '### Measurement conditions (medians)',
          '',
          "'foreign' = CPU used during the run by processes that are neither the setup nor the load tool (other workloads, kernel threads),",
          `in % of one core (the machine has ${cores * 100}%); runs above ${opt.maxForeign}% foreign or ${opt.maxSteal}% steal were repeated (at most ${opt.retries} times).`,
          '',
          conditionsTable(sums),
          '',
          '### Every run',
          '',
          runsTable(out.runs),
          '',
        ]
      : []),
    ...profiles.flatMap((p) => [p, '']),
  ].join('\n');
}

async function main(): Promise<number> {
  if (Number(process.versions.node.split('.')[0]) !== 24) throw new Error(`needs Node 24 (node_modules/.bin/node; npm run bench), this is ${process.version}`);
  if (process.platform !== 'linux') throw new Error('reads /proc: Linux only');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-bench-'));
  tempDir = dir;
  chmodSync(dir, 0o755); // nginx's workers (nobody) reach the Unix sockets and files in here
  let ok = false;
  const out: Outcome = { runs: [], discarded: [], failures: [], notes: new Map() };
  try {
    const chosen = planned.flatMap((g) => setupsOf(g));
    const needed: Tool[] = ['wrk'];
    if (chosen.some((s) => s.startsWith('nginx'))) needed.push('nginx');
    if (planned.some((g) => g.id === 'tls')) needed.push('openssl');
    if (planned.some((g) => g.scenarios.some((s) => s.tool === 'h2load'))) needed.push('h2load');
    const tools = ensureTools(needed, flags['no-install']);
    const needsEdge = chosen.some((s) => isEdge(s)) || flags.profile || flags.perf;
    const edge = needsEdge ? chooseEdge(dir, opt.edge, sourceEdge) : { label: 'not used', command: '', prefix: [] };
    if (needsEdge) log(`edge: ${edge.label}`);
    log(`temp dir: ${dir}`);
    const groups = narrow(makeGroups(opt.groups, makeAssets(dir, opt.groups, tools.get('openssl') ?? null), opt.connections));
    const plan = estimateMinutes(groups);
    log(`groups ${opt.groups.join(', ')}: ${plan.runs} measured runs, about ${Math.ceil(plan.minutes)} min (more when the machine is busy)`);
    const header = environment(tools, edge, groups);
    const ctx: Context = { dir, workers: opt.workers, node: process.execPath, nginx: tools.get('nginx') ?? 'nginx', edge, connections: opt.connections };
    await benchmark(ctx, groups, out);
    const profiles: string[] = [];
    const po: ProfileOptions = { ...opt, top: opt.profileTop, profileEdge: flags['profile-edge'] as 'source' | 'dist', source: sourceEdge };
    const edgeSetups = setupsOf(helloGroup(opt.connections)).filter((s) => isEdge(s));
    if (edgeSetups.length === 0) edgeSetups.push('edge');
    if (flags.profile) for (const id of edgeSetups) profiles.push(await cpuProfile(ctx, id, po));
    if (flags.perf) {
      const perf = findBinary('perf');
      if (perf === null) log('--perf: perf is not installed (apt-get install linux-perf); skipped');
      else for (const id of edgeSetups) profiles.push(await perfProfile(ctx, id, po, perf));
    }
    const text = report(header, groups, out, profiles);
    process.stdout.write(text);
    if (flags.out !== undefined) {
      writeFileSync(flags.out, text);
      log(`report written to ${flags.out}`);
    }
    ok = true;
    return out.failures.length > 0 ? 1 : 0;
  } finally {
    await stopAll();
    if (ok && !flags.keep && out.failures.length === 0) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir} (configs, logs, load tool output${flags.profile || flags.perf ? ', profiles' : ''})`);
  }
}

let tempDir: string | null = null;
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping every process the benchmark started`);
    void stopAll().finally(() => {
      if (tempDir !== null && !flags.keep) rmSync(tempDir, { recursive: true, force: true });
      else if (tempDir !== null) log(`kept ${tempDir}`);
      process.exit(130);
    });
  });
}
process.on('exit', killAllNow);

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await stopAll();
    process.exit(1);
  },
);
