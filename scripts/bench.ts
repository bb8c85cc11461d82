// `npm run bench`: edge side by side with nginx → Node and node:cluster, hello world over loopback.
// A benchmark, not a test: it never fails on the numbers. See docs/performance.md.
//
//   node scripts/bench.ts [--rounds 3] [--duration 8] [--warmup 2] [--connections 64] [--threads 1]
//                         [--workers 2] [--setups edge,edge-f2,nginx,cluster] [--edge auto|dist|source]
//                         [--out FILE] [--profile] [--profile-edge source|dist] [--profile-top 25] [--perf]
//                         [--quiet-pct 15] [--quiet-max 120] [--max-foreign 20] [--max-steal 12] [--retries 3]
//                         [--keep] [--no-install]
//   (or BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_WORKERS,
//    BENCH_SETUPS, BENCH_EDGE, BENCH_OUT, BENCH_PROFILE=1, BENCH_PERF=1 in the environment)
//
// Each round starts every setup in turn (round-robin), checks its answer byte for byte, warms it
// up (wrk, not recorded), waits for a quiet machine, then measures one `wrk -tT -cC -dDs --latency`
// run while reading CPU time and memory of every process of the setup from /proc. The report
// gives medians over the rounds. --profile adds one run per edge setup with `--cpu-prof` (from
// source by default; not counted in the tables) and prints where the fronts spend their time;
// --perf does the same with Linux perf (CPU time, kernel included) on the measured executable.
// --rounds 0 --profile only profiles.

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cores, log, measure, warmUp } from './bench-measure.ts';
import { killAllNow, stopAll } from './bench-proc.ts';
import { cpuProfile, perfProfile } from './bench-profiling.ts';
import type { ProfileOptions } from './bench-profiling.ts';
import { conditionsTable, ratiosTable, resultsTable, runsTable, summarize, targetsTable } from './bench-report.ts';
import type { Discarded, RunRecord } from './bench-report.ts';
import { describe, repoRoot, setupIds, startSetup } from './bench-setups.ts';
import type { Context, EdgeCommand, Running, SetupId } from './bench-setups.ts';

const env = process.env;

function usage(message: string): never {
  process.stderr.write(`bench: ${message} (see node scripts/bench.ts --help)\n`);
  process.exit(2);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        rounds: { type: 'string', default: env.BENCH_ROUNDS ?? '3' },
        duration: { type: 'string', default: env.BENCH_DURATION ?? '8' },
        warmup: { type: 'string', default: env.BENCH_WARMUP ?? '2' },
        connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '64' },
        threads: { type: 'string', default: env.BENCH_THREADS ?? '1' },
        workers: { type: 'string', default: env.BENCH_WORKERS ?? '2' },
        setups: { type: 'string', default: env.BENCH_SETUPS ?? setupIds.join(',') },
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
  process.stdout.write(`${head.replace(/^\/\/ ?/gm, '')}\n`);
  process.exit(0);
}

function int(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`--${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

const opt = {
  rounds: int('rounds', flags.rounds, 0),
  duration: int('duration', flags.duration, 1),
  warmup: int('warmup', flags.warmup, 0),
  connections: int('connections', flags.connections, 1),
  threads: int('threads', flags.threads, 1),
  workers: int('workers', flags.workers, 1),
  profileTop: int('profile-top', flags['profile-top'], 1),
  quietPct: Number(flags['quiet-pct']),
  quietMax: int('quiet-max', flags['quiet-max'], 0),
  maxForeign: Number(flags['max-foreign']),
  maxSteal: Number(flags['max-steal']),
  retries: int('retries', flags.retries, 0),
  setups: (flags.setups as string).split(',').map((s) => s.trim()).filter(Boolean) as SetupId[],
  edge: flags.edge as string,
};
for (const s of opt.setups) if (!setupIds.includes(s)) usage(`unknown setup "${s}"; known: ${setupIds.join(', ')}`);
if (!['dist', 'source'].includes(flags['profile-edge'] as string)) usage(`--profile-edge must be dist or source, got "${flags['profile-edge']}"`);
if (!['auto', 'dist', 'source'].includes(opt.edge)) usage(`--edge must be auto, dist or source, got "${opt.edge}"`);


// ---- prerequisites ----------------------------------------------------------------------------

function findBinary(name: string): string | null {
  const dirs = [...(env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

function ensureTools(): { nginx: string; wrk: string } {
  const needNginx = opt.setups.includes('nginx');
  const missing = [...(findBinary('wrk') === null ? ['wrk'] : []), ...(needNginx && findBinary('nginx') === null ? ['nginx'] : [])];
  if (missing.length > 0) {
    const command = `apt-get install -y ${missing.join(' ')}`;
    if (flags['no-install']) throw new Error(`missing ${missing.join(', ')}; install with: ${command}`);
    if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}; run as root, or install first: ${command}`);
    log(`${missing.join(' and ')} not found: installing them with \`${command}\``);
    const apt = (args: string[]): boolean =>
      spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    if (!apt(['install', '-y', ...missing])) {
      log('apt-get install failed: running apt-get update, then trying again');
      if (!apt(['update']) || !apt(['install', '-y', ...missing])) throw new Error(`${command} failed`);
    }
  }
  const wrk = findBinary('wrk');
  const nginx = findBinary('nginx');
  if (wrk === null || (needNginx && nginx === null)) throw new Error('wrk or nginx still missing after installing');
  return { wrk, nginx: nginx ?? 'nginx' };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const sourceEdge: EdgeCommand = {
  label: `from source (${path.relative(repoRoot, process.execPath)} src/main.ts)`,
  command: process.execPath,
  prefix: [path.join(repoRoot, 'src/main.ts')],
};

/** dist/edge when built (building it when missing or older than src/), else from source. */
function chooseEdge(dir: string): EdgeCommand {
  const source = sourceEdge;
  if (opt.edge === 'source') return source;
  const dist = path.join(repoRoot, 'dist/edge');
  const stale = existsSync(dist) && statSync(dist).mtimeMs < newestMtime(path.join(repoRoot, 'src'));
  if (!existsSync(dist) || stale) {
    log(`dist/edge ${stale ? 'is older than src/' : 'is missing'}: building it (npm run build)`);
    const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.ts')], { cwd: repoRoot, stdio: ['ignore', 2, 2] });
    if (built.status !== 0) {
      if (opt.edge === 'dist') throw new Error('npm run build failed');
      log('the build failed: running edge from source instead');
      return source;
    }
  }
  // A private copy: a rebuild during the benchmark must not change what is measured.
  const copy = path.join(dir, 'edge');
  copyFileSync(dist, copy);
  chmodSync(copy, 0o755);
  const when = statSync(dist).mtime.toISOString().slice(0, 16).replace('T', ' ');
  return { label: `dist/edge (single executable built ${when} UTC, run from a copy in the temp dir)`, command: copy, prefix: [] };
}

function versionOf(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]?.trim() || 'unknown';
}

function environment(tools: { nginx: string; wrk: string }, edge: EdgeCommand): string[] {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  let rev = 'unknown';
  try {
    rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    if (dirty !== '') rev += ` + uncommitted changes in src/ (${dirty.split('\n').length} files)`;
  } catch {
    // not a git checkout
  }
  return [
    `date: ${new Date().toISOString().slice(0, 19)}Z`,
    `machine: ${cpu}, ${cores} cores (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${os.release()}`,
    `node: ${process.version}  nginx: ${versionOf(tools.nginx, ['-v']).replace(/^nginx version: /, '')}  wrk: ${versionOf(tools.wrk, ['-v']).split(' [')[0]}`,
    `edge: ${edge.label}, commit ${rev}`,
    `load: wrk -t${opt.threads} -c${opt.connections} -d${opt.duration}s --latency after a ${opt.warmup} s warm-up; ${opt.rounds} round(s) round-robin over ${opt.setups.join(', ')}; ${opt.workers} app processes per setup`,
  ];
}

// ---- the benchmark ----------------------------------------------------------------------------

async function benchmark(ctx: Context, runs: RunRecord[], discarded: Discarded[], failures: string[]): Promise<void> {
  for (let round = 1; round <= opt.rounds; round++) {
    for (const id of opt.setups) {
      const tag = `${id}-r${round}`;
      log(`round ${round}/${opt.rounds}: ${id} (${describe(id, opt.workers)})`);
      let running: Running;
      try {
        running = await startSetup(id, ctx, tag);
      } catch (error) {
        const text = `round ${round}: ${id} did not start: ${error instanceof Error ? error.message : String(error)} (logs: ${ctx.dir}/${tag}.*)`;
        failures.push(text);
        log(`  ${text}`);
        continue;
      }
      try {
        const warmEnded = await warmUp(running, tag, ctx.dir, opt);
        for (let attempt = 1; ; attempt++) {
          const m = await measure(running, `${tag}.a${attempt}`, ctx.dir, warmEnded, opt);
          const r = m.record;
          const noisy = r.foreignPct > opt.maxForeign || r.stealPct > opt.maxSteal;
          const used = discarded.filter((d) => d.setup === id && d.round === round).length;
          if (noisy && used < opt.retries) {
            discarded.push({ setup: id, round, rps: r.rps, foreignPct: r.foreignPct, stealPct: r.stealPct });
            log(`  discarded: other load on the machine (foreign ${r.foreignPct.toFixed(0)}%, steal ${r.stealPct.toFixed(0)}% of a core); ${r.rps.toFixed(0)} req/s; again`);
            continue;
          }
          if (noisy) r.notes.push(`kept although foreign ${r.foreignPct.toFixed(0)}% / steal ${r.stealPct.toFixed(0)}%`);
          runs.push({ setup: id, round, ...r });
          log(
            `  ${r.rps.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, ${r.usFront.toFixed(1)}/${r.usTotal.toFixed(1)} µs/req front/total, ` +
              `${r.connsPer1k === null ? '-' : r.connsPer1k.toFixed(2)} conns/1k, RSS ${(r.rssTotal / 1024).toFixed(0)} MiB, ${r.errors} errors` +
              `${r.notes.length > 0 ? ` (${r.notes.join('; ')})` : ''}`,
          );
          break;
        }
      } finally {
        const killed = await running.stop();
        if (killed.length > 0) log(`  had to SIGKILL ${killed.join(', ')} after SIGTERM`);
      }
    }
  }
}

async function main(): Promise<number> {
  if (Number(process.versions.node.split('.')[0]) !== 24) throw new Error(`needs Node 24 (node_modules/.bin/node; npm run bench), this is ${process.version}`);
  if (process.platform !== 'linux') throw new Error('reads /proc: Linux only');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edge-bench-'));
  tempDir = dir;
  chmodSync(dir, 0o755); // nginx's workers (nobody) reach the Unix sockets in here
  let ok = false;
  const failures: string[] = [];
  try {
    const tools = ensureTools();
    const needsEdge = opt.setups.some((s) => s.startsWith('edge')) || flags.profile || flags.perf;
    const edge = needsEdge ? chooseEdge(dir) : { label: 'not used', command: '', prefix: [] };
    if (needsEdge) log(`edge: ${edge.label}`);
    log(`temp dir: ${dir}`);
    const header = environment(tools, edge);
    const ctx: Context = { dir, workers: opt.workers, node: process.execPath, nginx: tools.nginx, edge, connections: opt.connections };
    const runs: RunRecord[] = [];
    const discarded: Discarded[] = [];
    await benchmark(ctx, runs, discarded, failures);
    const profiles: string[] = [];
    const po: ProfileOptions = { ...opt, top: opt.profileTop, profileEdge: flags['profile-edge'] as 'source' | 'dist', source: sourceEdge };
    const edgeSetups = opt.setups.filter((s) => s.startsWith('edge'));
    if (edgeSetups.length === 0) edgeSetups.push('edge');
    if (flags.profile) for (const id of edgeSetups) profiles.push(await cpuProfile(ctx, id, po));
    if (flags.perf) {
      const perf = findBinary('perf');
      if (perf === null) log('--perf: perf is not installed (apt-get install linux-perf); skipped');
      else for (const id of edgeSetups) profiles.push(await perfProfile(ctx, id, po, perf));
    }
    const summaries = opt.setups.filter((id) => runs.some((r) => r.setup === id)).map((id) => summarize(id, describe(id, opt.workers), runs.filter((r) => r.setup === id), discarded));
    const report = [
      '## edge benchmark: hello world over loopback',
      '',
      ...header.map((l) => `    ${l}`),
      '',
      ...(failures.length > 0 ? ['### Failures', '', ...failures.map((f) => `- ${f}`), ''] : []),
      ...(runs.length > 0
        ? [
            `### Results (medians of ${opt.rounds} run(s) per setup)`,
            '',
            resultsTable(summaries),
            '',
            '### edge / nginx',
            '',
            ratiosTable(runs, summaries),
            '',
            '### Targets',
            '',
            targetsTable(runs, summaries),
            '',
            '### Measurement conditions (medians)',
            '',
            "'foreign' = CPU used during the run by processes that are neither the setup nor wrk (other workloads, kernel threads),",
            `in % of one core (the machine has ${cores * 100}%); runs above ${opt.maxForeign}% foreign or ${opt.maxSteal}% steal were repeated (at most ${opt.retries} times).`,
            '',
            conditionsTable(summaries),
            '',
            '### Every run',
            '',
            runsTable(runs),
            '',
          ]
        : []),
      ...profiles.flatMap((p) => [p, '']),
    ].join('\n');
    process.stdout.write(report);
    if (flags.out !== undefined) {
      writeFileSync(flags.out, report);
      log(`report written to ${flags.out}`);
    }
    ok = true;
    return failures.length > 0 ? 1 : 0;
  } finally {
    await stopAll();
    if (ok && !flags.keep && failures.length === 0) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir} (configs, logs, wrk output${flags.profile || flags.perf ? ', profiles' : ''})`);
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
