// Entry point of every edge process. EDGE_ROLE selects a role started by edge itself;
// without it this is the command line. Each role's code is imported when the role starts,
// so a worker does not load the front's modules (TLS, HTTP/2, static files, compression)
// nor the front the worker's: in the single executable esbuild evaluates a dynamically
// imported module only when it is imported.

import { EdgeError, formatError } from './errors.ts';
import { roleVariable } from './master/spawn-role.ts';

const roles: Readonly<Record<string, () => Promise<() => void>>> = {
  probe: async () => (await import('./worker/probe.ts')).runProbe,
  worker: async () => (await import('./worker/worker.ts')).runWorker,
  front: async () => (await import('./front/front.ts')).runFront,
};

function main(): void {
  const role = process.env[roleVariable];
  if (role !== undefined) {
    // Children of this role must not inherit it.
    delete process.env[roleVariable];
    const load = roles[role];
    if (load === undefined) {
      fail(new EdgeError('EDGE_ERR_ROLE', `unknown role "${role}" in ${roleVariable}; known roles: ${Object.keys(roles).join(', ')}`));
      return;
    }
    startRole(load).catch(fail);
    return;
  }
  import('./cli/commands.ts')
    .then(({ runCommandLine }) => runCommandLine(process.argv.slice(2)))
    .then((code) => {
      process.exitCode = code;
    }, fail);
}

/**
 * While the role's code loads, what the master sends waits (it is replayed to the role's own
 * listener), and the signals a role must survive from its first moment are held: a reload's
 * SIGHUP sent to the process group, logrotate's SIGUSR1 (Node's default would open its
 * inspector).
 */
async function startRole(load: () => Promise<() => void>): Promise<void> {
  const early: Array<[unknown, unknown]> = [];
  const hold = (message: unknown, handle: unknown): void => {
    early.push([message, handle]);
  };
  const ignore = (): void => {};
  process.on('message', hold);
  process.on('SIGHUP', ignore);
  process.on('SIGUSR1', ignore);
  const run = await load();
  run();
  process.off('message', hold);
  process.off('SIGHUP', ignore);
  process.off('SIGUSR1', ignore);
  const emit = process.emit.bind(process) as (event: string, ...args: unknown[]) => boolean;
  for (const [message, handle] of early) emit('message', message, handle);
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
