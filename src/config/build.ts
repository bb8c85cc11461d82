// Tree → typed values, one block at a time, driven by the directive table: context,
// argument count, repeat and value checks, defaults, and nginx-style inheritance.

import path from 'node:path';
import { EdgeError, formatWhere } from '../errors.ts';
import type { Where } from '../errors.ts';
import { directives, directivesByName, directivesIn } from './directives.ts';
import type { DirectiveSpec, ParseContext } from './directives.ts';
import { commentDirective, whereOf } from './parse.ts';
import type { ConfigNode } from './parse.ts';
import { suggestDirective } from './suggest.ts';
import type { Context } from './types.ts';
import { InvalidValue } from './values.ts';

export type Values = Record<string, unknown>;

/**
 * Where each built block and the directives in it came from, for whole-config checks;
 * `failed`: an error was reported inside the block, so what it lacks may be among them.
 */
export type BlockSource = { where: Where; directives: Map<string, Where>; failed: boolean };
export type Sources = WeakMap<object, BlockSource>;

export type BuildState = { cpus: number; errors: EdgeError[]; sources: Sources };

const contextNames: Readonly<Record<Context, string>> = {
  main: 'at the top level',
  app: 'in an app block',
  server: 'in a server block',
  location: 'in a location block',
};

const allNames = directives.map((d) => d.name);

export function buildBlock(
  context: Context,
  nodes: readonly ConfigNode[],
  parent: { values: Values; context: Context } | null,
  state: BuildState,
): { values: Values; seen: Map<string, Where> } {
  const values: Values = {};
  const inherited = new Set<string>();
  for (const spec of directivesIn(context)) {
    if (spec.key === null) continue;
    if (spec.inherit && parent && spec.contexts.includes(parent.context)) {
      values[spec.key] = parent.values[spec.key];
      inherited.add(spec.key);
    } else {
      values[spec.key] = defaultValue(spec, state.cpus);
    }
  }

  const seen = new Map<string, Where>();
  const blocks: Array<[DirectiveSpec, ConfigNode]> = [];
  for (const node of nodes) {
    if (node.directive === commentDirective) continue;
    const where = whereOf(node);
    const fail = (code: ConstructorParameters<typeof EdgeError>[0], message: string): void => {
      state.errors.push(new EdgeError(code, message, where));
    };
    const spec = directivesByName.get(node.directive);
    if (spec === undefined) {
      const hint = suggestDirective(node.directive, allNames);
      fail(
        'EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE',
        `unknown directive "${node.directive}"${hint ? `; did you mean "${hint}"?` : ''}`,
      );
      continue;
    }
    if (!spec.contexts.includes(context)) {
      const allowed = spec.contexts.map((c) => contextNames[c]).join(' or ');
      fail('EDGE_ERR_CONFIG_CONTEXT', `"${spec.name}" is not allowed ${contextNames[context]}; it belongs ${allowed}`);
      continue;
    }
    const first = seen.get(spec.name);
    if (first !== undefined && !spec.repeat) {
      fail('EDGE_ERR_CONFIG_DUPLICATE', `"${spec.name}" is duplicate: it is already set at ${formatWhere(first)}`);
      continue;
    }
    if (first === undefined) seen.set(spec.name, where);
    const [min, max] = spec.args;
    if (node.args.length < min || node.args.length > max) {
      fail('EDGE_ERR_CONFIG_ARGS', `"${spec.name}" takes ${countText(min, max)} (${spec.syntax}), got ${node.args.length}`);
      continue;
    }
    if (spec.lines !== undefined) {
      if (node.block === undefined) {
        fail('EDGE_ERR_CONFIG_ARGS', `"${spec.name}" needs a block: ${spec.name} ${spec.syntax}`);
        continue;
      }
      const items = parseLines(spec, node.block, state);
      if (items === invalid) continue;
      values[spec.key as string] = spec.lines.apply(values[spec.key as string], items);
      inherited.delete(spec.key as string);
      continue;
    }
    if (spec.block !== undefined && node.block === undefined) {
      fail('EDGE_ERR_CONFIG_ARGS', `"${spec.name}" needs a block: ${spec.name} ${spec.syntax}`);
      continue;
    }
    if (spec.block === undefined && node.block !== undefined) {
      fail('EDGE_ERR_CONFIG_ARGS', `"${spec.name}" takes no block; end it with ";"`);
      continue;
    }
    // `include` is consumed by the parser; one that reaches here has a block, reported above.
    if (spec.key === null) continue;
    if (spec.block !== undefined) {
      blocks.push([spec, node]);
      continue;
    }
    const parsed = parseArgs(spec, node, state);
    if (parsed === invalid) continue;
    store(spec, values, inherited, parsed);
  }

  // Blocks last, so that they inherit directives written after them, as in nginx.
  for (const [spec, node] of blocks) {
    const head = parseArgs(spec, node, state);
    const errorsBefore = state.errors.length;
    const child = buildBlock(spec.block as Context, node.block ?? [], { values, context }, state);
    if (head === invalid) continue;
    const item = { ...(head as Values), ...child.values };
    const failed = state.errors.length > errorsBefore;
    state.sources.set(item, { where: whereOf(node), directives: child.seen, failed });
    store(spec, values, inherited, item);
  }
  return { values, seen };
}

const invalid = Symbol('invalid');

function parseArgs(spec: DirectiveSpec, node: ConfigNode, state: BuildState): unknown {
  // The unset variable is the error to fix; what its empty expansion would break is noise.
  if (node.unresolved) return invalid;
  const where = whereOf(node);
  const ctx: ParseContext = { where, baseDir: path.dirname(path.resolve(node.file)), cpus: state.cpus };
  try {
    return spec.parse(node.args, ctx);
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error;
    state.errors.push(new EdgeError('EDGE_ERR_CONFIG_VALUE', `"${spec.name}": ${error.message}`, where));
    return invalid;
  }
}

// The free-form lines of a block such as `types`: each parsed on its own, errors at its line.
function parseLines(spec: DirectiveSpec, nodes: readonly ConfigNode[], state: BuildState): unknown[] | typeof invalid {
  const lines = spec.lines as NonNullable<DirectiveSpec['lines']>;
  const items: unknown[] = [];
  let failed = false;
  for (const node of nodes) {
    if (node.directive === commentDirective) continue;
    if (node.unresolved) {
      failed = true;
      continue;
    }
    const where = whereOf(node);
    if (node.block !== undefined) {
      state.errors.push(new EdgeError('EDGE_ERR_CONFIG_SYNTAX', `a line of "${spec.name}" takes no block; end it with ";"`, where));
      failed = true;
      continue;
    }
    try {
      items.push(lines.parseLine([node.directive, ...node.args]));
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      state.errors.push(new EdgeError('EDGE_ERR_CONFIG_VALUE', `"${spec.name}": ${error.message}`, where));
      failed = true;
    }
  }
  return failed ? invalid : items;
}

function store(spec: DirectiveSpec, values: Values, inherited: Set<string>, parsed: unknown): void {
  const key = spec.key as string;
  if (spec.merge === undefined) {
    values[key] = parsed;
  } else {
    // A block's own occurrences replace what it inherited (nginx's add_header rule).
    const base = inherited.has(key) ? emptyValue(spec) : values[key];
    values[key] = spec.merge(base, parsed);
  }
  inherited.delete(key);
}

export function defaultValue(spec: DirectiveSpec, cpus: number): unknown {
  if (spec.merge !== undefined) return emptyValue(spec);
  if (spec.default === null) return null;
  const where = { file: '<default>', line: 0, col: 0 };
  return spec.parse(spec.default, { where, baseDir: process.cwd(), cpus });
}

function emptyValue(spec: DirectiveSpec): unknown {
  return spec.empty ? spec.empty() : [];
}

function countText(min: number, max: number): string {
  const noun = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  if (min === max) return `${min} ${noun(min)}`;
  if (max >= Number.MAX_SAFE_INTEGER) return `at least ${min} ${noun(min)}`;
  if (min === 0) return `at most ${max} ${noun(max)}`;
  return `${min} to ${max} arguments`;
}
