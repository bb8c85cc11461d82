// Running edge as a real process from a test: from source (src/main.ts on this Node) or the
// built executable. Every child is killed if it outlives its time limit.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const mainScript = path.join(repoRoot, 'src/main.ts');
export const builtExecutable = path.join(repoRoot, 'dist/edge');

export type Ran = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type RunOptions = {
  cwd?: string;
  /** The whole environment of the child (nothing is inherited when given). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
};

export function runFile(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `edge ARGS` from source, on the Node that runs the tests. */
export function runEdge(args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  return runFile(process.execPath, [mainScript, ...args], options);
}

/** The parent's environment without the variables edge reads, so tests start from none. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['PORT', 'WEB_CONCURRENCY', 'EDGE_CONFIG', 'EDGE_ROLE', 'NODE_OPTIONS']) delete env[name];
  return { ...env, ...extra };
}

/** A fresh directory under the system temporary directory; remove it with the returned function. */
export function makeTempDir(prefix = 'edge-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
