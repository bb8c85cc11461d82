// Starting this same program in another role. The role travels in EDGE_ROLE, so every role
// runs from the one executable (or, from source, the one entry file) and nothing else on disk.

import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { isSea } from 'node:sea';

export const roleVariable = 'EDGE_ROLE';

export type Role = 'probe' | 'worker' | 'front';

export type SpawnOptions = {
  env?: Record<string, string>;
  stdio?: StdioOptions;
  /** Node/V8 flags for this child only (the single executable takes them from NODE_OPTIONS). */
  nodeFlags?: readonly string[];
};

export function spawnRole(role: Role, options: SpawnOptions = {}): ChildProcess {
  const flags = options.nodeFlags ?? [];
  const env: Record<string, string | undefined> = { ...process.env, ...options.env, [roleVariable]: role };
  let command: string;
  let args: string[];
  if (isSea()) {
    command = process.execPath;
    args = [];
    if (flags.length > 0) env.NODE_OPTIONS = [env.NODE_OPTIONS, ...flags].filter(Boolean).join(' ');
  } else {
    // From source: the same Node, its flags, and the entry file this process was started with.
    const entry = process.argv[1];
    if (entry === undefined) throw new Error('cannot find the entry file to start another role from');
    command = process.execPath;
    args = [...process.execArgv, ...flags, entry];
  }
  return spawn(command, args, {
    env,
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}
