// Graceful stop of a worker, with the hooks apps already use: SIGTERM handlers, and the
// 'shutdown' message PM2 sends. New connections are refused, in-flight requests finish,
// idle keep-alive connections are closed, then the worker exits (after up to two seconds
// for the app's own hooks, if it has any). SIGINT and SIGQUIT stop at once. The master's
// graceful_timeout is the backstop.

import type net from 'node:net';
import type { Server } from 'node:http';

/** Longest wait for an app's own shutdown hooks after its last request. */
const appCleanupMs = 2000;

/**
 * `baseline`: what kept the event loop alive before the app was loaded (stdio, the IPC
 * channel). When only that is left, the app's own cleanup is done.
 */
export function installShutdown(server: net.Server, beforeExit: () => void, baseline: readonly string[]): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const http = server as Server;
    // Apps that handle SIGTERM or 'shutdown' themselves may have async cleanup in flight
    // (closing a database pool): once no request is left, they get a moment to finish it,
    // and the worker exits as soon as nothing keeps it busy.
    const appHandles = process.listenerCount('SIGTERM') > 1 || process.listenerCount('message') > 1;
    server.close(() => {
      beforeExit();
      if (!appHandles) process.exit(0);
      const deadline = Date.now() + appCleanupMs;
      setInterval(() => {
        if (Date.now() >= deadline || onlyBaselineLeft(baseline)) process.exit(0);
      }, 20).unref();
    });
    if (typeof http.closeIdleConnections === 'function') {
      http.closeIdleConnections();
      setInterval(() => http.closeIdleConnections(), 50).unref();
    }
  };
  process.on('SIGTERM', stop);
  process.on('message', (message: unknown) => {
    if (message === 'shutdown') stop();
  });
  const quit = (): void => process.exit(0);
  process.on('SIGINT', quit);
  process.on('SIGQUIT', quit);
}

function onlyBaselineLeft(baseline: readonly string[]): boolean {
  const left = [...baseline];
  for (const resource of process.getActiveResourcesInfo()) {
    const i = left.indexOf(resource);
    if (i === -1) return false;
    left.splice(i, 1);
  }
  return true;
}
