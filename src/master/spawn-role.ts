// Starting this same program in another role. The role travels in EDGE_ROLE, so every role
// runs from the one executable (or, from source, the one entry file) and nothing else on disk.

import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { isSea } from 'node:sea';

export const roleVariable = 'EDGE_ROLE';

export type Role = 'probe' | 'worker' | 'front';

export function spawnRole(
  role: Role,
  options: { env?: Record<string, string>; stdio?: StdioOptions } = {},
): ChildProcess {
  const [command, args] = selfCommand();
  return spawn(command, args, {
    env: { ...process.env, ...options.env, [roleVariable]: role },
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
}

function selfCommand(): [string, string[]] {
  if (isSea()) return [process.execPath, []];
  // From source: the same Node, its flags, and the entry file this process was started with.
  const entry = process.argv[1];
  if (entry === undefined) throw new Error('cannot find the entry file to start another role from');
  return [process.execPath, [...process.execArgv, entry]];
}
