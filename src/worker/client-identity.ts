// The app sees the real client, as if it were directly connected: the front sends the
// client's address, port, scheme and TLS version and cipher in a private first header, and
// the worker moves them onto the socket (`remoteAddress`, `remotePort`, `encrypted`,
// `getProtocol()`, `getCipher()` as a TLS socket has them) before the app runs, so Express's
// req.ip and req.secure work without `trust proxy`.

import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { clientHeader } from '../ipc.ts';

// node:http builds req.headers lazily from rawHeaders up to an internal count; removing our
// header from rawHeaders means lowering that count too. The executable pins its Node, and
// the worker tests catch a change of this internal.
let headersCount: symbol | null | undefined;
let headersBuilt: symbol | null | undefined;

function internalSymbol(req: IncomingMessage, description: string): symbol | null {
  return Object.getOwnPropertySymbols(req).find((s) => s.description === description) ?? null;
}

export function applyClientIdentity(req: IncomingMessage): void {
  const raw = req.rawHeaders;
  // The front sends it as the first header; a request without it did not come through the
  // front (which drops clients' own).
  let at = 0;
  while (at < raw.length && raw[at] !== clientHeader) at += 2;
  if (at >= raw.length) return;
  const value = raw[at + 1] as string;
  if (headersCount === undefined) {
    headersCount = internalSymbol(req, 'kHeadersCount');
    headersBuilt = internalSymbol(req, 'kHeaders');
  }
  const record = req as unknown as Record<symbol, unknown>;
  if (headersCount !== null && typeof record[headersCount] === 'number') {
    raw.splice(at, 2);
    record[headersCount] = (record[headersCount] as number) - 2;
    // Built already (node:http reads some headers first for some requests): drop it there
    // too. Otherwise the app's first read builds req.headers without it.
    if (headersBuilt !== null && headersBuilt !== undefined && record[headersBuilt]) delete req.headers[clientHeader];
  } else {
    delete req.headers[clientHeader];
  }
  const socket = req.socket as Socket & { [identity]?: Identity };
  const current = socket[identity];
  if (current === undefined) {
    socket[identity] = parseIdentity(value);
    defineAccessors(socket);
  } else if (current.raw !== value) {
    // One upstream connection carries requests of many clients, one at a time.
    socket[identity] = parseIdentity(value);
  }
}

type Identity = {
  raw: string;
  address: string;
  port: number;
  family: string;
  encrypted: true | undefined;
  /** TLS clients only, as tls.TLSSocket's getProtocol() and getCipher() give them. */
  protocol: string | null;
  cipher: { name: string; standardName: string; version: string } | null;
};

const identity = Symbol('edge client identity');

function parseIdentity(raw: string): Identity {
  const [address = '', port = '0', scheme = 'http', protocol, cipher] = raw.split(' ');
  const tls = scheme === 'https' && protocol !== undefined;
  return {
    raw,
    address,
    port: Number(port),
    family: address.includes(':') ? 'IPv6' : 'IPv4',
    encrypted: scheme === 'https' ? true : undefined,
    protocol: tls ? protocol : null,
    cipher: tls && cipher !== undefined ? { name: cipher, standardName: cipher, version: protocol } : null,
  };
}

// Once per connection from the front: accessors that read the current request's client,
// so each request costs one assignment rather than four property definitions.
function defineAccessors(socket: Socket & { [identity]?: Identity }): void {
  const read = <K extends keyof Identity>(key: K) => ({
    get: (): Identity[K] | undefined => socket[identity]?.[key],
    set: () => {},
    configurable: true,
  });
  Object.defineProperties(socket, {
    remoteAddress: read('address'),
    remotePort: read('port'),
    remoteFamily: read('family'),
    encrypted: read('encrypted'),
    getProtocol: { value: () => socket[identity]?.protocol ?? null, configurable: true, writable: true },
    getCipher: { value: () => socket[identity]?.cipher ?? undefined, configurable: true, writable: true },
  });
}
