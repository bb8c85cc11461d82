// Apps that call listen() themselves (`app.listen(3000)`, Fastify, NestJS) are run unmodified:
// like Passenger, the worker hooks net.Server.prototype.listen so that the first server
// to listen is bound to the worker's Unix socket instead of the port it asked for.

import net from 'node:net';
import { EdgeError } from '../errors.ts';

type ListenFn = (this: net.Server, ...args: unknown[]) => net.Server;

export type ListenHook = {
  /** Resolves with the first server that listened, once it is bound to the socket. */
  readonly bound: Promise<net.Server>;
  /** Binds `server` to the worker socket through the original listen (for exported apps). */
  bind: (server: net.Server) => Promise<net.Server>;
};

export function installListenHook(socketPath: string): ListenHook {
  const original = net.Server.prototype.listen as unknown as ListenFn;
  let claimed: net.Server | null = null;
  let resolveBound: (server: net.Server) => void = () => {};
  let rejectBound: (error: Error) => void = () => {};
  const bound = new Promise<net.Server>((resolve, reject) => {
    resolveBound = resolve;
    rejectBound = reject;
  });
  bound.catch(() => {});

  const bindToSocket = (server: net.Server, callback?: () => void): net.Server => {
    claimed = server;
    const onError = (error: Error): void => rejectBound(error);
    server.once('error', onError);
    return original.call(server, { path: socketPath }, () => {
      server.off('error', onError);
      resolveBound(server);
      callback?.();
    });
  };

  function hookedListen(this: net.Server, ...args: unknown[]): net.Server {
    const callback = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as () => void) : undefined;
    if (claimed === null) return bindToSocket(this, callback);
    if (asksForTcp(args)) {
      const error = new EdgeError(
        'EDGE_ERR_APP_LOAD',
        `the app started a second server on ${describeTarget(args)}; under edge only the first server that calls listen() gets traffic, through the worker's socket. Serve everything from one server, or run the other one outside edge`,
      );
      process.nextTick(() => this.emit('error', error));
      return this;
    }
    return original.apply(this, args);
  }

  net.Server.prototype.listen = hookedListen as unknown as typeof net.Server.prototype.listen;
  return {
    bound,
    bind: (server) => {
      bindToSocket(server);
      return bound;
    },
  };
}

// listen(port[, host]...), listen({ port }), listen() are TCP; listen(path), listen({ path })
// and listen(handle) are not and pass through untouched.
function asksForTcp(args: readonly unknown[]): boolean {
  const [first] = args;
  if (first === undefined || typeof first === 'function' || typeof first === 'number') return true;
  if (typeof first === 'string') return /^\d+$/.test(first);
  if (first !== null && typeof first === 'object') {
    const options = first as { path?: unknown; port?: unknown; fd?: unknown; handle?: unknown; _handle?: unknown };
    return options.path === undefined && options.fd === undefined && options.handle === undefined && options._handle === undefined;
  }
  return false;
}

function describeTarget(args: readonly unknown[]): string {
  const [first] = args;
  if (typeof first === 'number' || typeof first === 'string') return `port ${first}`;
  const port = (first as { port?: unknown } | undefined)?.port;
  return port === undefined ? 'a random port' : `port ${String(port)}`;
}
