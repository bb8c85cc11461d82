// The front's own answers: a status, a short plain-text body that says what happened, and
// headers such as Retry-After. Never an HTML page, never a hang.

import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';

export function sendError(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = `${status} ${STATUS_CODES[status] ?? ''}: ${detail}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}
