// What the file leaves out, filled in as a user of nginx and gunicorn would expect, then the
// overrides from the command line and the environment (they win over the file).

import path from 'node:path';
import { EdgeError } from '../errors.ts';
import { buildBlock } from './build.ts';
import type { BuildState, Values } from './build.ts';
import type { AppConfig, LocationConfig, ServerConfig } from './types.ts';
import { parseListen } from './values.ts';

export const defaultPort = 8080;

export type Overrides = {
  /** The APP argument: the app module, relative to the working directory. */
  appModule: string | null;
  /** From --port or PORT. */
  port: number | null;
  /** From --workers or WEB_CONCURRENCY. */
  workers: number | null;
  cwd: string;
};

export function complete(main: Values, overrides: Overrides, state: BuildState): void {
  const apps = main.apps as AppConfig[];
  const servers = main.servers as ServerConfig[];
  const root = { values: main, context: 'main' as const };

  if (overrides.appModule !== null) {
    if (apps.length > 1) {
      const names = apps.map((a) => a.name).join(', ');
      state.errors.push(
        new EdgeError(
          'EDGE_ERR_CONFIG_REFERENCE',
          `the APP argument needs a configuration with one app, and this one has ${apps.length} (${names}); set "module" in each app instead`,
        ),
      );
    } else {
      if (apps.length === 0) apps.push({ name: 'app', ...buildBlock('app', [], root, state).values } as AppConfig);
      (apps[0] as AppConfig).module = path.resolve(overrides.cwd, overrides.appModule);
    }
  }

  if (overrides.workers !== null) {
    main.workers = overrides.workers;
    for (const app of apps) app.workers = overrides.workers;
  }

  if (servers.length === 0 && apps.length > 0) {
    servers.push(buildBlock('server', [], root, state).values as ServerConfig);
  }
  for (const server of servers) {
    if (server.listen.length === 0) server.listen.push(parseListen([String(defaultPort)], '<default>'));
    if (server.locations.length === 0) {
      const location = {
        modifier: '',
        path: '/',
        ...buildBlock('location', [], { values: server, context: 'server' }, state).values,
      } as LocationConfig;
      // Like an nginx server with only a root: static files; otherwise the one app.
      if (location.root === null && apps.length === 1) location.proxy = (apps[0] as AppConfig).name;
      server.locations.push(location);
    }
  }

  const first = servers[0];
  if (overrides.port !== null && first !== undefined) {
    const plain = first.listen.find((l) => !l.ssl && l.path === null);
    if (plain) plain.port = overrides.port;
    else first.listen.unshift(parseListen([String(overrides.port)], '<PORT>'));
  }
}
