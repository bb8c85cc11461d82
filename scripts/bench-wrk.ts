// Running wrk for scripts/bench.ts and reading its output: req/s, latency percentiles, errors,
// and wrk's own CPU time (bash's `times` after wrk exits: exact, children's user + sys).

import { readFileSync } from 'node:fs';
import { startProcess } from './bench-proc.ts';
import type { Started } from './bench-proc.ts';

export type WrkResult = {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  requests: number;
  seconds: number;
  /** Bytes read from the server (heads and bodies), as wrk counts them ("N requests in T, B read"). */
  bytesRead: number;
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  errors: number;
  socketErrors: string;
  /** wrk's own CPU time (user + sys), seconds. */
  clientCpuS: number;
  exitCode: number | null;
  raw: string;
};

export type WrkOptions = { url: string; threads: number; connections: number; seconds: number; latency: boolean; logFile: string; headers?: Record<string, string> };

export type WrkRun = { proc: Started; done: Promise<WrkResult> };

export function startWrk(options: WrkOptions): WrkRun {
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`];
  if (options.latency) args.push('--latency');
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  const proc = startProcess('wrk', 'bash', ['-c', 'wrk "$@"; rc=$?; echo "--- times"; times; exit $rc', 'bash', ...args], {
    logFile: options.logFile,
  });
  const done = proc.exited.then(() => {
    const all = readFileSync(options.logFile, 'utf8');
    // the log file is appended to: this run's output starts at its last "Running" line
    const start = all.lastIndexOf('Running ');
    return parseWrk(start >= 0 ? all.slice(start) : all, proc.child.exitCode);
  });
  return { proc, done };
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(value);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

/** wrk's and h2load's sizes: 12.34MB (binary multiples, as both print them). */
export function toBytes(value: string): number {
  const m = /^([\d.]+)(B|KB|MB|GB|TB)$/.exec(value);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(m[2] as string);
}

function toSeconds(value: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
}

export function parseWrk(text: string, exitCode: number | null): WrkResult {
  const pick = (re: RegExp): RegExpExecArray | null => re.exec(text);
  const latency = pick(/^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)/m);
  const socket = pick(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const non2xx = pick(/Non-2xx or 3xx responses: (\d+)/);
  const done = pick(/(\d+) requests in ([\d.]+)(ms|s|m), ([\d.]+[KMGT]?B) read/);
  const socketErrors = socket ? [1, 2, 3, 4].reduce((sum, i) => sum + Number(socket[i]), 0) : 0;
  const times = text.slice(text.indexOf('--- times')).split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()));
  const children = (times[1] ?? '').trim().split(' ');
  return {
    rps: Number(pick(/^Requests\/sec:\s+([\d.]+)/m)?.[1] ?? Number.NaN),
    p50Ms: toMs(pick(/^\s+50%\s+(\S+)/m)?.[1] ?? ''),
    p99Ms: toMs(pick(/^\s+99%\s+(\S+)/m)?.[1] ?? ''),
    meanMs: latency ? toMs(latency[1] as string) : Number.NaN,
    maxMs: latency ? toMs(latency[3] as string) : Number.NaN,
    requests: done ? Number(done[1]) : 0,
    seconds: done ? toMs(`${done[2]}${done[3]}`) / 1000 : 0,
    bytesRead: done ? toBytes(done[4] as string) : 0,
    errors: socketErrors + (non2xx ? Number(non2xx[1]) : 0),
    socketErrors: socket ? `connect ${socket[1]}, read ${socket[2]}, write ${socket[3]}, timeout ${socket[4]}` : 'none',
    clientCpuS: toSeconds(children[0] ?? '') + toSeconds(children[1] ?? ''),
    exitCode,
    raw: text,
  };
}
