// edge's "WSGI": what a module may give the worker, tried in the order of the contract.
// 1. a `(req, res)` function; 2. an object with `fetch(request)`; 3. an http.Server that is
// not listening; 4. a module that calls listen() itself (caught by the listen hook).

import http from 'node:http';
import net from 'node:net';
import { EdgeError } from '../errors.ts';
import { fetchListener } from './fetch-adapter.ts';
import type { FetchApp } from './fetch-adapter.ts';
import type { ListenHook } from './listen-hook.ts';

export type StartedApp = { server: net.Server; form: string };

export async function startApp(
  namespace: Record<string, unknown>,
  hook: ListenHook,
  bootTimeoutMs: number,
): Promise<StartedApp> {
  const hooked = await Promise.race([hook.bound, Promise.resolve(null)]);
  if (hooked !== null) return { server: hooked, form: 'a server that called listen()' };
  const main = namespace.default;
  if (typeof main === 'function') {
    return { server: await hook.bind(http.createServer(main as http.RequestListener)), form: 'a request handler' };
  }
  if (main instanceof net.Server) {
    return { server: await hook.bind(main), form: 'an http.Server' };
  }
  if (isObject(main) && typeof main.fetch === 'function') {
    return { server: await hook.bind(http.createServer(fetchListener(main as FetchApp))), form: 'a fetch() handler' };
  }
  if (isObject(main) && typeof main.callback === 'function') {
    // Koa, exported without calling app.callback().
    const listener = (main.callback as () => http.RequestListener)();
    return { server: await hook.bind(http.createServer(listener)), form: 'a Koa-style app' };
  }
  // Nothing exported that can serve: the app may still call listen() after async set-up.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(nothingToServe(main, bootTimeoutMs)), bootTimeoutMs);
  });
  try {
    return { server: await Promise.race([hook.bound, timeout]), form: 'a server that called listen()' };
  } finally {
    clearTimeout(timer);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function nothingToServe(main: unknown, bootTimeoutMs: number): EdgeError {
  const exported = main === undefined ? 'exports nothing usable' : `exports ${main === null ? 'null' : typeof main}`;
  return new EdgeError(
    'EDGE_ERR_APP_LOAD',
    `the app ${exported} and did not call listen() within boot_timeout (${bootTimeoutMs / 1000}s): export a (req, res) function, an object with fetch(request), or an http.Server, or call listen() as usual`,
  );
}
