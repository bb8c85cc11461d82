// Graceful stop of a worker, with the hooks apps already use: SIGTERM handlers, and the
// 'shutdown' message PM2 sends. New connections are refused, in-flight requests finish,
// idle keep-alive connections are closed, then the worker exits. SIGINT and SIGQUIT stop
// at once. The master's graceful_timeout is the backstop.

import type net from 'node:net';
import type { Server } from 'node:http';

export function installShutdown(server: net.Server, beforeExit: () => void): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const http = server as Server;
    // Apps that handle SIGTERM or 'shutdown' themselves may have cleanup in flight
    // (closing a database pool): they exit on their own, within graceful_timeout.
    const appHandles = process.listenerCount('SIGTERM') > 1 || process.listenerCount('message') > 1;
    server.close(() => {
      beforeExit();
      if (!appHandles) process.exit(0);
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
