// Entry point of every edge process. EDGE_ROLE selects a role started by edge itself;
// without it this is the command line.

import { EdgeError, formatError } from './errors.ts';
import { runCommandLine } from './cli/commands.ts';
import { roleVariable } from './master/spawn-role.ts';
import { runFront } from './front/front.ts';
import { runProbe } from './worker/probe.ts';
import { runWorker } from './worker/worker.ts';

const roles: Readonly<Record<string, () => void>> = {
  probe: runProbe,
  worker: runWorker,
  front: runFront,
};

function main(): void {
  const role = process.env[roleVariable];
  if (role !== undefined) {
    // Children of this role must not inherit it.
    delete process.env[roleVariable];
    const start = roles[role];
    if (start === undefined) {
      fail(new EdgeError('EDGE_ERR_ROLE', `unknown role "${role}" in ${roleVariable}; known roles: ${Object.keys(roles).join(', ')}`));
      return;
    }
    start();
    return;
  }
  runCommandLine(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    fail,
  );
}

function fail(error: unknown): void {
  if (error instanceof EdgeError) {
    process.stderr.write(`edge: ${formatError(error)}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const internal = new EdgeError('EDGE_ERR_INTERNAL', `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.stderr.write(`edge: ${internal.message}\n`);
  process.exitCode = internal.exitCode;
}

main();
