// Shared by the config tests: temporary directories, file names as messages show them, a
// loadConfig with test defaults, and trees without their positions.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import type { Environment, LoadOptions, LoadResult } from '../../src/config/load.ts';
import type { ConfigNode } from '../../src/config/parse.ts';
import { formatError } from '../../src/errors.ts';
import type { EdgeError, ErrorCode } from '../../src/errors.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** File name → content; names may have directories (`conf.d/a.conf`), created as needed. */
export type Files = Readonly<Record<string, string | Uint8Array>>;

export function writeFiles(dir: string, files: Files): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/** Fresh directories under the system temporary directory, all removed by `removeAll`. */
export function tempDirs(prefix: string): { make: (files?: Files) => string; removeAll: () => void } {
  const made: string[] = [];
  return {
    make(files = {}) {
      const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `edge-${prefix}-`));
      made.push(dir);
      writeFiles(dir, files);
      return dir;
    },
    removeAll() {
      for (const dir of made.splice(0)) {
        // A case may have taken permissions away; give them back so the tree can be removed.
        for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
          fs.chmodSync(path.join(dir, entry), 0o700);
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A file as messages name it: relative to the working directory when below it, else
 * absolute. Written out here, not imported, so that a change there shows up as a failure.
 */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export const noFlags: LoadOptions['flags'] = { app: null, port: null, workers: null };

/** loadConfig with a fixed CPU count, an empty environment and the file's directory as cwd. */
export function load(file: string | null, options: Partial<LoadOptions> = {}): LoadResult {
  return loadConfig({
    file,
    env: {},
    cpus: 2,
    cwd: file === null ? process.cwd() : path.dirname(file),
    flags: noFlags,
    ...options,
  });
}

/** Loads and insists on success, so that a test reads the config without checks. */
export function loadOk(file: string | null, options: Partial<LoadOptions> = {}) {
  const result = load(file, options);
  if (result.config === null) throw new Error(`expected a valid config:\n${formatAll(result.errors).join('\n')}`);
  return result.config;
}

export function formatAll(errors: readonly EdgeError[]): string[] {
  return errors.map(formatError);
}

export function codesAndLines(errors: readonly EdgeError[]): Array<[ErrorCode, string]> {
  return errors.map((e) => [e.code, formatError(e)]);
}

export type Shape = { directive: string; args: string[]; block?: Shape[] };

/** The tree without file, line and column, for comparing parses of different texts. */
export function shape(nodes: readonly ConfigNode[]): Shape[] {
  return nodes.map((n) => {
    const s: Shape = { directive: n.directive, args: [...n.args] };
    if (n.block !== undefined) s.block = shape(n.block);
    return s;
  });
}

/** Every `.conf` file below `dir`, skipping node_modules and dot-directories. */
export function confFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...confFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.conf')) found.push(full);
  }
  return found.sort();
}

/** The environment of the golden and round-trip tests: every variable their files use. */
export const fixedEnv: Environment = {
  EDGE_TEST_APP_MODULE: '../../examples/hello/app.js',
  EDGE_TEST_HOST: 'env.example.org',
  EDGE_TEST_EMPTY: '',
};

/** A config that must fail to load, and exactly the errors it must give. */
export type MalformedCase = {
  name: string;
  /** Written into a fresh directory with an empty `app.js`; `edge.conf` is loaded. */
  files: Files;
  env?: Environment;
  /** Runs after the files are written (permissions, directories). */
  setup?: (dir: string) => void;
  /** A reason to skip the case here, or false. */
  skip?: string | false;
  /**
   * The expected errors as [code, `file:line:col: message`]; `at(name)` is a file of the
   * case as messages name it, `abs(name)` its absolute path.
   */
  errors: (at: (name: string) => string, abs: (name: string) => string) => Array<[ErrorCode, string]>;
};
