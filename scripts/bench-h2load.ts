// Running h2load (nghttp2-client) for the HTTP/2 scenarios of scripts/bench.ts and reading its
// output into the same shape as wrk's: req/s, mean and max time per request (h2load prints no
// percentiles), bytes, errors and its own CPU time (bash's `times`, as for wrk).
//
// A measured run is `h2load -n N -c C -m M` (a number of requests, as in the anchor
// measurements); the warm-up is `h2load -D SECONDS`, whose rate sizes N so the measured run
// lasts about --duration seconds.

import { readFileSync } from 'node:fs';
import { startProcess } from './bench-proc.ts';
import type { Started } from './bench-proc.ts';
import type { WrkResult } from './bench-wrk.ts';

export type H2loadOptions = {
  url: string;
  connections: number;
  streams: number;
  /** -n: this many requests, or (requests 0) -D: for this many seconds. */
  requests: number;
  seconds: number;
  logFile: string;
  headers?: Record<string, string>;
};

export type H2loadRun = { proc: Started; done: Promise<WrkResult> };

export function startH2load(o: H2loadOptions): H2loadRun {
  const args = ['-t1', `-c${o.connections}`, `-m${o.streams}`, ...(o.requests > 0 ? [`-n${o.requests}`] : [`-D${o.seconds}`])];
  for (const [name, value] of Object.entries(o.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(o.url);
  const proc = startProcess('h2load', 'bash', ['-c', 'echo "--- h2load $*"; h2load "$@"; rc=$?; echo "--- times"; times; exit $rc', 'bash', ...args], {
    logFile: o.logFile,
  });
  const done = proc.exited.then(() => {
    const all = readFileSync(o.logFile, 'utf8');
    const start = all.lastIndexOf('--- h2load ');
    return parseH2load(start >= 0 ? all.slice(start) : all, proc.child.exitCode);
  });
  return { proc, done };
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : n * 1000;
}

function toSeconds(value: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
}

export function parseH2load(text: string, exitCode: number | null): WrkResult {
  const pick = (re: RegExp): RegExpExecArray | null => re.exec(text);
  // finished in 946.45ms, 52829.03 req/s, 1.66MB/s
  const finished = pick(/^finished in ([\d.]+(?:us|ms|s)), ([\d.]+) req\/s, /m);
  // requests: 50000 total, 50000 started, 50000 done, 50000 succeeded, 0 failed, 0 errored, 0 timeout
  const req = pick(/^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m);
  // status codes: 50000 2xx, 0 3xx, 0 4xx, 0 5xx
  const codes = pick(/^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/m);
  // traffic: 1.57MB (1650320) total, ...
  const traffic = pick(/^traffic: \S+ \((\d+)\) total/m);
  const time = pick(/^time for request:\s+(\S+)\s+(\S+)\s+(\S+)/m);
  const failed = req ? Number(req[5]) + Number(req[6]) + Number(req[7]) : 0;
  const notOk = codes ? Number(codes[3]) + Number(codes[4]) : 0;
  const times = text.slice(text.indexOf('--- times')).split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l.trim()));
  const children = (times[1] ?? '').trim().split(' ');
  const succeeded = req ? Number(req[4]) : 0;
  return {
    rps: finished ? Number(finished[2]) : Number.NaN,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    meanMs: time ? toMs(time[3] as string) : Number.NaN,
    maxMs: time ? toMs(time[2] as string) : Number.NaN,
    requests: succeeded,
    seconds: finished ? toMs(finished[1] as string) / 1000 : 0,
    bytesRead: traffic ? Number(traffic[1]) : Number.NaN,
    errors: failed + notOk + (req ? Number(req[1]) - Number(req[3]) : 0),
    socketErrors: req ? `failed ${req[5]}, errored ${req[6]}, timeout ${req[7]}, 3xx/4xx/5xx ${codes ? `${codes[2]}/${codes[3]}/${codes[4]}` : '?'}` : 'none',
    clientCpuS: toSeconds(children[0] ?? '') + toSeconds(children[1] ?? ''),
    exitCode,
    raw: text,
  };
}

/** The TLS lines h2load prints (protocol, cipher, key exchange, ALPN). */
export function h2loadTls(text: string): string {
  return text
    .split('\n')
    .filter((l) => /^(TLS Protocol|Cipher|Server Temp Key|Application protocol):/.test(l))
    .map((l) => l.trim())
    .join(', ');
}
