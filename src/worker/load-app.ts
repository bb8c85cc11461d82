// Loading the user's module from disk. Inside the single executable `require` knows only
// built-ins, so files are loaded with import(), which handles CommonJS, ESM and TypeScript
// (Node's type stripping) alike.

import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { EdgeError } from '../errors.ts';

export async function importApp(file: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // A missing entry file is the user's typo, not the app's failure: no stack for it.
    const missing = code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(`'${file}'`);
    const message = missing
      ? 'no such file'
      : error instanceof Error
        ? `\n${error.stack ?? error.message}`
        : String(error);
    throw new EdgeError('EDGE_ERR_APP_LOAD', `cannot load app ${file}: ${message}`, undefined, { cause: error });
  }
}

/** What the module's default export is, in the terms of the app contract. */
export function describeExports(namespace: Record<string, unknown>): string {
  const main = namespace.default;
  if (typeof main === 'function') return 'a request handler function';
  if (main instanceof net.Server) return 'a server object';
  if (main !== null && typeof main === 'object' && typeof (main as { fetch?: unknown }).fetch === 'function') {
    return 'an object with fetch()';
  }
  if (main === undefined) return 'no default export';
  return `a value of type ${main === null ? 'null' : typeof main}`;
}
