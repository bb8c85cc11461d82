// The one entry point to configuration: file (or none) + environment + flags → a frozen
// EdgeConfig, or every error found. Precedence: flags > environment > edge.conf > defaults.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import { buildBlock } from './build.ts';
import type { BuildState } from './build.ts';
import { complete } from './complete.ts';
import { parseFile } from './parse.ts';
import type { EdgeConfig } from './types.ts';
import { validate } from './validate.ts';
import { InvalidValue, parseInteger, parsePort } from './values.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

export type LoadOptions = {
  /** The configuration file, or null to run on built-in defaults. */
  file: string | null;
  env: Environment;
  cpus: number;
  cwd: string;
  flags: { app: string | null; port: number | null; workers: number | null };
};

export type LoadResult = { config: EdgeConfig; errors: [] } | { config: null; errors: EdgeError[] };

/** The file to use: `--config`, else `EDGE_CONFIG`, else `edge.conf` in the working directory if there is one. */
export function resolveConfigFile(flag: string | null, env: Environment, cwd: string): string | null {
  const named = flag ?? (env.EDGE_CONFIG || null);
  if (named !== null) return path.resolve(cwd, named);
  const local = path.join(cwd, 'edge.conf');
  return existsSync(local) ? local : null;
}

export function loadConfig(options: LoadOptions): LoadResult {
  const parsed = options.file === null ? { nodes: [], errors: [] } : parseFile(options.file, { env: options.env });
  const state: BuildState = { cpus: options.cpus, errors: [...parsed.errors], sources: new WeakMap() };
  const main = buildBlock('main', parsed.nodes, null, state).values;
  const overrides = {
    appModule: options.flags.app,
    port: options.flags.port ?? fromEnvironment(options.env, 'PORT', parsePort, state),
    workers:
      options.flags.workers ?? fromEnvironment(options.env, 'WEB_CONCURRENCY', (t) => parseInteger(t, 1, 1024), state),
    cwd: options.cwd,
  };
  complete(main, overrides, state);
  // After an error in reading or parsing (a file, an include, a ${VAR}) part of the tree is
  // missing or empty, and the checks of the whole would only report that ("no app named").
  if (parsed.errors.length === 0) validate(main, options.file, state);
  if (state.errors.length > 0) return { config: null, errors: sortErrors(state.errors) };
  const config = { file: options.file, ...main } as EdgeConfig;
  return { config: deepFreeze(config), errors: [] };
}

function fromEnvironment<T>(env: Environment, name: string, parse: (text: string) => T, state: BuildState): T | null {
  const text = env[name];
  if (text === undefined || text === '') return null;
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    state.errors.push(new EdgeError('EDGE_ERR_CONFIG_ENV', `environment variable ${name}=${text}: ${error.message}`));
    return null;
  }
}

function sortErrors(errors: EdgeError[]): EdgeError[] {
  const files: string[] = [];
  for (const e of errors) if (e.where && !files.includes(e.where.file)) files.push(e.where.file);
  const rank = (e: EdgeError): [number, number, number] =>
    e.where ? [files.indexOf(e.where.file), e.where.line, e.where.col] : [files.length, 0, 0];
  return [...errors].sort((a, b) => {
    const [fa, la, ca] = rank(a);
    const [fb, lb, cb] = rank(b);
    return fa - fb || la - lb || ca - cb;
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
