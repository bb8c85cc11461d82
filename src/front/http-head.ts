// Pieces of HTTP/1.1 heads the front writes itself: the Date line (made once a second), the
// status line, and which headers belong to one connection only (hop-by-hop).

import { STATUS_CODES } from 'node:http';

// Lower-case names; a Connection header can name more.
export const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

let dateLine = '';

function expireDate(): void {
  dateLine = '';
}

/** `date: ...\r\n`, formatted at most once a second. */
export function currentDateLine(): string {
  if (dateLine === '') {
    const now = new Date();
    dateLine = `date: ${now.toUTCString()}\r\n`;
    setTimeout(expireDate, 1000 - now.getMilliseconds()).unref();
  }
  return dateLine;
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}

export const plainText = 'content-type: text/plain; charset=utf-8\r\n';

/** The body of every answer of the front's own: what happened, in one line. */
export function errorText(status: number, detail: string): string {
  return `${status} ${reasonPhrase(status)}: ${detail}\n`;
}

/**
 * The names a Connection header lists, besides the usual `keep-alive`, `close` and `upgrade`
 * (which are hop-by-hop anyway): null when there are none, which is nearly always.
 */
export function connectionNamed(value: string): Set<string> | null {
  // What clients and Node's workers send on nearly every message.
  if (value === 'keep-alive' || value === 'close') return null;
  let named: Set<string> | null = null;
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name === '' || name === 'keep-alive' || name === 'close' || name === 'upgrade') continue;
    (named ??= new Set()).add(name);
  }
  return named;
}
