// The flags that every configuration-reading command shares, turned into a loaded config.

import os from 'node:os';
import { EdgeError } from '../errors.ts';
import { loadConfig, resolveConfigFile } from '../config/load.ts';
import type { LoadResult } from '../config/load.ts';
import { InvalidValue, parseInteger, parsePort } from '../config/values.ts';
import type { FlagSpec, ParsedArgs } from './args.ts';

export const configFlags = {
  config: { type: 'string', short: 'c', value: 'FILE', doc: 'configuration file (default: $EDGE_CONFIG, else ./edge.conf)' },
  port: { type: 'string', short: 'p', value: 'PORT', doc: 'port of the first plain-HTTP listener (overrides $PORT)' },
  workers: { type: 'string', short: 'w', value: 'N', doc: 'number of app workers (overrides $WEB_CONCURRENCY)' },
} as const satisfies Record<string, FlagSpec>;

export type Loaded = { file: string | null; result: LoadResult };

export function loadFromFlags(command: string, args: ParsedArgs): Loaded {
  const env = process.env;
  const cwd = process.cwd();
  const file = resolveConfigFile(stringFlag(args, 'config'), env, cwd);
  const app = args.positionals[0] ?? null;
  if (file === null && app === null) {
    throw new EdgeError(
      'EDGE_ERR_USAGE',
      `no configuration: there is no ./edge.conf, no --config and no EDGE_CONFIG; give one, or name the app file (edge ${command} app.js)`,
    );
  }
  const flags = {
    app,
    port: numberFlag(args, 'port', parsePort),
    workers: numberFlag(args, 'workers', (t) => parseInteger(t, 1, 1024)),
  };
  return { file, result: loadConfig({ file, env, cwd, cpus: os.availableParallelism(), flags }) };
}

function stringFlag(args: ParsedArgs, name: string): string | null {
  const value = args.flags[name];
  return typeof value === 'string' ? value : null;
}

function numberFlag(args: ParsedArgs, name: string, parse: (text: string) => number): number | null {
  const text = stringFlag(args, name);
  if (text === null) return null;
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    throw new EdgeError('EDGE_ERR_USAGE', `flag "--${name}": ${error.message}`);
  }
}
