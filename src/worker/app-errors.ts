// An error the app throws while handling a request is the app's: written once to stderr
// with the request it happened in, then answered 500 by the adapter.

import type { IncomingMessage } from 'node:http';

export function logAppError(error: unknown, req: IncomingMessage): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`edge: worker ${process.pid}: error in app handling ${req.method} ${req.url}: ${text}\n`);
}
