// The worker role: load the user's app, serve it on this worker's Unix socket, report to
// the master (ready, heartbeats with memory and counts), and stop gracefully when told.

import { chmodSync } from 'node:fs';
import type { Server } from 'node:http';
import { EdgeError } from '../errors.ts';
import type { MasterToWorker, WorkerSpec, WorkerToMaster } from '../ipc.ts';
import { startApp } from './app-contract.ts';
import { applyClientIdentity } from './client-identity.ts';
import { importApp } from './load-app.ts';
import { installListenHook } from './listen-hook.ts';
import { installShutdown } from './shutdown.ts';

/** Exit status of a worker whose app could not boot (gunicorn's APP_LOAD_ERROR). */
export const bootFailureExit = 4;

function send(message: WorkerToMaster): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined || !process.connected) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

export function runWorker(): void {
  if (process.send === undefined) {
    process.stderr.write('edge: the worker role is started by the edge master, not by hand\n');
    process.exitCode = 1;
    return;
  }
  // Orphaned (master gone): stop at once rather than serve a socket nobody routes to.
  process.on('disconnect', () => process.exit(0));
  // SIGHUP is the master's (reload); a hang-up sent to the whole process group must not kill workers.
  process.on('SIGHUP', () => {});
  // The master forwards logrotate's SIGUSR1 for apps that reopen their own logs on it; edge's
  // handler only keeps Node from opening its inspector.
  process.on('SIGUSR1', () => {});
  process.once('message', (message: MasterToWorker) => {
    if (typeof message === 'object' && message.type === 'worker:start') {
      // Until it is ready, whatever the app throws fails the boot, reported once by the master:
      // also errors thrown outside the module's evaluation (an 'error' event nobody handles,
      // such as the listen hook's second-server error, or a rejected async set-up).
      process.on('uncaughtException', fail);
      process.on('unhandledRejection', fail);
      boot(message.spec).then(() => {
        process.off('uncaughtException', fail);
        process.off('unhandledRejection', fail);
      }, fail);
    }
  });
}

let failed = false;

function fail(error: unknown): void {
  if (failed) return;
  failed = true;
  const text = error instanceof EdgeError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  void send({ type: 'worker:failed', message: text }).then(() => process.exit(bootFailureExit));
}

async function boot(spec: WorkerSpec): Promise<void> {
  const baseline = process.getActiveResourcesInfo();
  process.chdir(spec.chdir);
  const hook = installListenHook(spec.socketPath);
  const namespace = await importApp(spec.module);
  const { server, form } = await startApp(namespace, hook, spec.bootTimeoutMs);
  chmodSync(spec.socketPath, 0o600);
  const counts = { served: 0, inFlight: 0, connections: 0 };
  const heartbeat = (): void => {
    void send({ type: 'worker:heartbeat', rss: process.memoryUsage.rss(), ...counts });
  };
  // Reaching max_requests is reported at once, so the master recycles on time.
  prepareServer(server as Server, counts, spec.maxRequests, heartbeat);
  const beat = setInterval(heartbeat, spec.heartbeatMs);
  installShutdown(server, () => clearInterval(beat), baseline);
  if (failed) return;
  await send({ type: 'worker:ready', pid: process.pid, form });
}

function prepareServer(
  server: Server,
  counts: { served: number; inFlight: number; connections: number },
  maxRequests: number,
  reachedMax: () => void,
): void {
  // Timeouts are the front's job (client_*_timeout, proxy_read_timeout); the worker's own
  // would cut long uploads and idle keep-alive connections from the front.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 0;
  server.on('connection', () => counts.connections++);
  server.prependListener('request', (req, res) => {
    applyClientIdentity(req);
    counts.served++;
    counts.inFlight++;
    if (counts.served === maxRequests) reachedMax();
    res.once('close', () => counts.inFlight--);
  });
}

