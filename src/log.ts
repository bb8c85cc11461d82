// edge's own log (not the access log): one line per event, to stderr by default, with the
// time, the process and its role, like gunicorn's `[time] [pid] [LEVEL] message`.

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ErrorLog, LogLevel } from './config/types.ts';

const levels: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold = levels.info;
let sink: Writable = process.stderr;
let role = 'edge';
let file: string | null = null;

export function configureLog(errorLog: ErrorLog, roleName: string): void {
  threshold = levels[errorLog.level];
  role = roleName;
  file = null;
  if (errorLog.target === 'stderr') sink = process.stderr;
  else if (errorLog.target === 'stdout') sink = process.stdout;
  else {
    file = errorLog.target;
    sink = createWriteStream(file, { flags: 'a' });
  }
}

/**
 * SIGUSR1, after logrotate has moved the file: lines from now on go to a new file at the
 * configured path; the old stream finishes what it has and closes.
 */
export function reopenLog(): void {
  if (file === null) return;
  const old = sink;
  sink = createWriteStream(file, { flags: 'a' });
  old.end();
}

function write(level: LogLevel, message: string): void {
  if (levels[level] < threshold) return;
  sink.write(`${new Date().toISOString()} [${process.pid}] [${role}] [${level}] ${message}\n`);
}

export const log = {
  debug: (message: string): void => write('debug', message),
  info: (message: string): void => write('info', message),
  warn: (message: string): void => write('warn', message),
  error: (message: string): void => write('error', message),
};
