// Starting edge as a real master process for a test, waiting until it serves, and stopping
// it (and so its fronts and workers) even when the test fails.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cleanEnv, mainScript, repoRoot } from './process.ts';

export type RunningEdge = {
  child: ChildProcess;
  pid: number;
  /** The first address edge serves on, with 0.0.0.0 replaced by 127.0.0.1. */
  url: string;
  /** Everything edge wrote to stdout and stderr so far. */
  output: () => string;
  /** Resolves with the output once `pattern` appears in it. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  /** Resolves when the master has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const running = new Set<RunningEdge>();

export type StartOptions = {
  cwd: string;
  env?: Record<string, string>;
  /** Command and arguments before edge's own (default: this Node running src/main.ts). */
  command?: [string, ...string[]];
  expectFailure?: boolean;
  timeoutMs?: number;
};

export async function startEdge(args: readonly string[], options: StartOptions): Promise<RunningEdge> {
  const [command, ...prefix] = options.command ?? [process.execPath, mainScript];
  const child = spawn(command, [...prefix, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    text += d.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const waitFor = (pattern: RegExp, timeoutMs = 15_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(text)) {
          cleanup();
          resolve(text);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`edge did not print ${pattern} within ${timeoutMs} ms; output:\n${text}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const edge: RunningEdge = {
    child,
    pid: child.pid ?? 0,
    url: '',
    output: () => text,
    waitFor,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const result = await exited;
      clearTimeout(timer);
      running.delete(edge);
      return result;
    },
  };
  running.add(edge);
  if (options.expectFailure) return edge;
  const serving = await Promise.race([
    waitFor(/serving on (\S+)/, options.timeoutMs ?? 20_000),
    exited.then(() => {
      throw new Error(`edge exited before serving; output:\n${text}`);
    }),
  ]);
  const url = /serving on ([^\s,]+)/.exec(serving)?.[1] ?? '';
  edge.url = url.replace('0.0.0.0', '127.0.0.1');
  return edge;
}

/** Stops every edge a test file started; call it from after(). */
export async function stopAllEdges(): Promise<void> {
  await Promise.all([...running].map((e) => e.stop('SIGKILL')));
}

export { repoRoot };
