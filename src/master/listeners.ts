// The master binds every listening address (so ports below 1024 work before privileges are
// dropped) but never listens or accepts itself: the bound handles go to the fronts, which
// listen on them and share the accept queue, as node:cluster's shared handles do.

import { lookup } from 'node:dns/promises';
import { lstatSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { getSystemErrorName } from 'node:util';
import type { EdgeConfig, Listen } from '../config/types.ts';
import { EdgeError } from '../errors.ts';
import type { ListenerInfo } from '../ipc.ts';

/** A native server handle (TCP or Pipe wrap), bound and not listening. */
export type NativeHandle = { close: () => void; getsockname?: (out: { port?: number }) => number };

export type BoundListener = ListenerInfo & { handle: NativeHandle };

// Node exports this for node:cluster: bind without listen(), so the master never accepts.
const createServerHandle = (
  net as unknown as {
    _createServerHandle: (address: string, port: number, addressType: number, fd: undefined, flags: number) => NativeHandle | number;
  }
)._createServerHandle;

export function listenKey(listen: Listen): string {
  return listen.path !== null ? `unix:${listen.path}` : `${listen.host}:${listen.port}`;
}

/** Binds what `config` needs, reusing handles in `existing` (a reload keeps its sockets). */
export async function bindListeners(
  config: EdgeConfig,
  existing: ReadonlyMap<string, BoundListener>,
): Promise<Map<string, BoundListener>> {
  const bound = new Map<string, BoundListener>();
  try {
    for (const server of config.servers) {
      for (const listen of server.listen) {
        const key = listenKey(listen);
        if (bound.has(key)) continue;
        const reused = existing.get(key);
        bound.set(key, reused ?? (await bindOne(listen, key)));
      }
    }
  } catch (error) {
    for (const [key, listener] of bound) if (!existing.has(key)) listener.handle.close();
    throw error;
  }
  return bound;
}

async function bindOne(listen: Listen, key: string): Promise<BoundListener> {
  const where = listen.source.startsWith('<') ? '' : ` (${listen.source})`;
  const fail = (reason: string): never => {
    throw new EdgeError('EDGE_ERR_LISTEN', `cannot listen on ${key}${where}: ${reason}`);
  };
  if (listen.path !== null) {
    removeStaleSocket(listen.path);
    const handle = createServerHandle(listen.path, -1, -1, undefined, 0);
    if (typeof handle === 'number') return fail(describeErrno(handle));
    return { key, url: `unix:${listen.path}`, handle };
  }
  let address = listen.host;
  let family = net.isIP(address);
  if (family === 0) {
    try {
      ({ address, family } = await lookup(listen.host));
    } catch {
      fail(`cannot resolve host name "${listen.host}"`);
    }
  }
  const handle = createServerHandle(address, listen.port, family, undefined, 0);
  if (typeof handle === 'number') return fail(describeErrno(handle));
  const out: { port?: number } = {};
  handle.getsockname?.(out);
  // libuv keeps a failed bind's EADDRINUSE for listen(), which happens in the front, on a
  // copy of the socket that never got its address: the kernel would then listen on a random
  // port. The socket's own address tells.
  if (listen.port !== 0 && out.port !== listen.port) {
    handle.close();
    return fail(describeErrno(-os.constants.errno.EADDRINUSE));
  }
  const host = family === 6 ? `[${address}]` : address;
  return { key, url: `${listen.ssl ? 'https' : 'http'}://${host}:${out.port ?? listen.port}`, handle };
}

// A socket file left by a crashed run would make bind fail; a regular file is never removed.
function removeStaleSocket(file: string): void {
  try {
    if (lstatSync(file).isSocket()) rmSync(file);
  } catch {
    // Absent: nothing to do.
  }
}

function describeErrno(errno: number): string {
  const name = getSystemErrorName(errno);
  const reasons: Readonly<Record<string, string>> = {
    EADDRINUSE: 'the address is already in use',
    EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
    EADDRNOTAVAIL: 'not an address of this machine',
  };
  return `${reasons[name] ?? 'bind failed'} (${name})`;
}
