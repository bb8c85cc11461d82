// Checks of the configuration as a whole, after every block is built: references between
// blocks, and what each block needs to be able to serve.

import { statSync } from 'node:fs';
import { EdgeError, parseWhere } from '../errors.ts';
import type { ErrorCode, Where } from '../errors.ts';
import type { BuildState, Values } from './build.ts';
import { displayPath } from './source.ts';
import type { AppConfig, ServerConfig } from './types.ts';

export function validate(main: Values, file: string | null, state: BuildState): void {
  const apps = main.apps as AppConfig[];
  const servers = main.servers as ServerConfig[];
  const fail = (code: ErrorCode, message: string, where?: Where): void => {
    state.errors.push(new EdgeError(code, message, where));
  };
  const sourceOf = (block: object): Where | undefined => state.sources.get(block)?.where;
  const directiveIn = (block: object, name: string): Where | undefined =>
    state.sources.get(block)?.directives.get(name) ?? sourceOf(block);

  if (apps.length === 0 && servers.length === 0) {
    fail(
      'EDGE_ERR_CONFIG_REFERENCE',
      `${file === null ? 'the configuration' : `"${displayPath(file)}"`} defines no app and no server: nothing to run`,
    );
  }

  const names = new Map<string, AppConfig>();
  for (const app of apps) {
    const earlier = names.get(app.name);
    if (earlier !== undefined) {
      const at = sourceOf(earlier);
      fail(
        'EDGE_ERR_CONFIG_DUPLICATE',
        `app "${app.name}" is defined twice${at ? ` (first at ${at.file}:${at.line}:${at.col})` : ''}; give each app its own name`,
        sourceOf(app),
      );
    }
    names.set(app.name, app);
    if (app.module === null) {
      fail(
        'EDGE_ERR_CONFIG_REFERENCE',
        `app "${app.name}" has no module: add "module ./server.js;" to it, or name the app file on the command line`,
        sourceOf(app),
      );
    } else if (!isFile(app.module)) {
      fail('EDGE_ERR_CONFIG_REFERENCE', `"module": no such file: ${app.module}`, directiveIn(app, 'module'));
    }
  }

  for (const server of servers) {
    checkTls(server, directiveIn, fail);
    const named = new Set<string>();
    for (const location of server.locations) {
      if (!location.path.startsWith('@')) continue;
      if (named.has(location.path)) fail('EDGE_ERR_CONFIG_DUPLICATE', `location "${location.path}" is defined twice in this server`, sourceOf(location));
      named.add(location.path);
    }
    for (const location of server.locations) {
      const at = sourceOf(location) ?? sourceOf(server);
      const label = `location "${location.path}"`;
      const tryFiles = location.tryFiles;
      if (tryFiles !== null) {
        const where = directiveIn(location, 'try_files');
        const fallback = tryFiles.fallback;
        if (fallback.kind === 'named' && !named.has(`@${fallback.name}`)) {
          fail('EDGE_ERR_CONFIG_REFERENCE', `"try_files": no location "@${fallback.name}" in this server; add location @${fallback.name} { ... }`, where);
        }
        if (location.proxy !== null) {
          fail(
            'EDGE_ERR_CONFIG_REFERENCE',
            `${label} has both "try_files" and "proxy": put the proxy in a named location (location @app { proxy app; }) and end try_files with @app`,
            where,
          );
        } else if (location.root === null && location.alias === null) {
          fail('EDGE_ERR_CONFIG_REFERENCE', `${label}: "try_files" looks for files, but there is no "root" or "alias" to look in`, where);
        }
      }
      if (location.alias !== null && (location.modifier === '~' || location.modifier === '~*')) {
        fail('EDGE_ERR_CONFIG_REFERENCE', `${label}: "alias" is not supported in a regular-expression location; use "root"`, directiveIn(location, 'alias'));
      }
      if (location.proxy !== null && !names.has(location.proxy)) {
        const known = apps.length === 0 ? 'no app is defined' : `defined: ${[...names.keys()].join(', ')}`;
        fail(
          'EDGE_ERR_CONFIG_REFERENCE',
          `"proxy": no app named "${location.proxy}" (${known})`,
          directiveIn(location, 'proxy'),
        );
      }
      if (location.proxy !== null && location.alias !== null) {
        fail('EDGE_ERR_CONFIG_REFERENCE', `${label} has both "proxy" and "alias": choose one`, directiveIn(location, 'alias'));
      }
      if (location.alias !== null && state.sources.get(location)?.directives.has('root')) {
        fail('EDGE_ERR_CONFIG_REFERENCE', `${label} has both "root" and "alias": choose one`, directiveIn(location, 'alias'));
      }
      // A location with errors of its own (`proxy_pass app;`) is not also told it serves nothing.
      const failed = state.sources.get(location)?.failed === true;
      const serves =
        location.proxy !== null || location.return !== null || location.alias !== null || location.root !== null || location.tryFiles !== null;
      if (!serves && !failed && server.return === null) {
        const why =
          sourceOf(location) === undefined && apps.length > 1
            ? `the server has no location, and with ${apps.length} apps edge cannot pick one: add location / { proxy NAME; }`
            : `${label} has nothing to serve: add "proxy APP", "root DIR", "alias DIR", "try_files" or "return CODE"`;
        fail('EDGE_ERR_CONFIG_REFERENCE', why, at);
      }
    }
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

// What the certificate files contain is checked when they are read (src/tls/), at start and
// on every reload; here only that the directives fit together, as `nginx -t` does.
function checkTls(
  server: ServerConfig,
  directiveIn: (block: object, name: string) => Where | undefined,
  fail: (code: ErrorCode, message: string, where?: Where) => void,
): void {
  const cert = server.sslCertificate;
  const key = server.sslCertificateKey;
  const tlsListen = server.listen.find((l) => l.ssl);
  if (tlsListen !== undefined && cert === null) {
    fail(
      'EDGE_ERR_CONFIG_REFERENCE',
      `no "ssl_certificate" is defined for the "listen ... ssl" directive: add "ssl_certificate FILE;" and "ssl_certificate_key FILE;" to the server, or "ssl_certificate auto;" for a development certificate`,
      parseWhere(tlsListen.source) ?? directiveIn(server, 'listen'),
    );
  }
  if (cert !== null && cert.path === 'auto' && key !== null) {
    fail('EDGE_ERR_CONFIG_REFERENCE', '"ssl_certificate_key" is not used with "ssl_certificate auto" (edge makes the key): remove it', parseWhere(key.source));
  } else if (cert !== null && cert.path !== 'auto' && key === null) {
    fail('EDGE_ERR_CONFIG_REFERENCE', `"ssl_certificate" has no "ssl_certificate_key": add the file of its private key`, parseWhere(cert.source));
  } else if (cert === null && key !== null) {
    fail('EDGE_ERR_CONFIG_REFERENCE', '"ssl_certificate_key" without "ssl_certificate": add the certificate it belongs to', parseWhere(key.source));
  }
}
