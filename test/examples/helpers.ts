// Running an example of examples/ unmodified under a real edge: its own edge.conf, with the
// port chosen by the kernel (PORT=0; the configs listen on ${PORT:-8080}) and one worker.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, startEdge } from '../helpers/edge-server.ts';
import type { RunningEdge } from '../helpers/edge-server.ts';

export const examplesDir = path.join(repoRoot, 'examples');

export function exampleFile(name: string, file: string): string {
  return path.join(examplesDir, name, file);
}

/** edge run --config examples/NAME/edge.conf, from `cwd` (not the example's folder). */
export function startExample(name: string, cwd: string, env: Record<string, string> = {}): Promise<RunningEdge> {
  return startEdge(['run', '--config', exampleFile(name, 'edge.conf')], {
    cwd,
    env: { PORT: '0', WEB_CONCURRENCY: '1', ...env },
  });
}

/**
 * Resolves with the file's text once it exists and is not empty (the writer creates it
 * before it writes), or rejects after `timeoutMs`.
 */
export async function waitForFile(file: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text !== '') return text;
    if (Date.now() > deadline) throw new Error(`${file} did not appear (with content) within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Resolves with the exit of an edge expected to fail, or rejects after `timeoutMs`. */
export async function exitWithin(edge: RunningEdge, timeoutMs: number): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`edge did not exit within ${timeoutMs} ms; output:\n${edge.output()}`)), timeoutMs);
  });
  try {
    const { code } = await Promise.race([edge.exited, timeout]);
    return { code, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/** How many times `needle` occurs in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
