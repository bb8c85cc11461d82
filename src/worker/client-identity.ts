// The app sees the real client, as if it were directly connected: the front sends the
// client's address, port and scheme in a private first header, and the worker moves them
// onto the socket (`remoteAddress`, `remotePort`, `encrypted`) before the app runs, so
// Express's req.ip and req.secure work without `trust proxy`.

import type { IncomingMessage } from 'node:http';
import { clientHeader } from '../ipc.ts';

// node:http builds req.headers lazily from rawHeaders up to an internal count; removing our
// header from rawHeaders means lowering that count too. The executable pins its Node, and
// the worker tests catch a change of this internal.
let headersCount: symbol | null | undefined;

function findHeadersCount(req: IncomingMessage): symbol | null {
  return Object.getOwnPropertySymbols(req).find((s) => s.description === 'kHeadersCount') ?? null;
}

export function applyClientIdentity(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  // The front sends it first of its headers, but undici writes `host` and `connection` before
  // them; a request without it did not come through the front (which drops clients' own).
  let at = 0;
  while (at < raw.length && raw[at] !== clientHeader) at += 2;
  if (at >= raw.length) return;
  const value = raw[at + 1] as string;
  if (headersCount === undefined) headersCount = findHeadersCount(req);
  const record = req as unknown as Record<symbol, number>;
  if (headersCount !== null && typeof record[headersCount] === 'number') {
    raw.splice(at, 2);
    record[headersCount] = (record[headersCount] as number) - 2;
  }
  // node:http has built req.headers already (it reads some before emitting 'request'); were
  // it not, this would build it from the shortened rawHeaders.
  delete req.headers[clientHeader];
  const [address = '', port = '0', scheme = 'http'] = value.split(' ');
  const socket = req.socket;
  Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true, writable: true });
  Object.defineProperty(socket, 'remotePort', { value: Number(port), configurable: true, writable: true });
  Object.defineProperty(socket, 'remoteFamily', {
    value: address.includes(':') ? 'IPv6' : 'IPv4',
    configurable: true,
    writable: true,
  });
  // One upstream connection carries requests of many clients, one at a time: set it each time.
  Object.defineProperty(socket, 'encrypted', { value: scheme === 'https' ? true : undefined, configurable: true, writable: true });
}
