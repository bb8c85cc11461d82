// Tokens → tree of `{directive, args, block, file, line, col}`, with `include` expanded in
// place (unless raw). Errors are collected, not thrown, so `edge check` can list them all.

import { globSync, statSync } from 'node:fs';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import type { Where } from '../errors.ts';
import { lex } from './lexer.ts';
import type { Token } from './lexer.ts';
import { displayPath, readConfigText } from './source.ts';

export type ConfigNode = {
  directive: string;
  args: string[];
  /** Present on block directives (`server { ... }`), absent on simple ones. */
  block?: ConfigNode[];
  file: string;
  line: number;
  col: number;
  /** An argument holds a `${VAR}` that could not be expanded (reported by the lexer). */
  unresolved?: true;
};

/** Comments are kept as nodes named `#` (their text is the only argument) in raw mode. */
export const commentDirective = '#';

export type ParseOptions = {
  /** Environment for `${VAR}`; `null` is raw mode: no expansion, no includes, comments kept. */
  env: Readonly<Record<string, string | undefined>> | null;
};

export type ParseResult = { nodes: ConfigNode[]; errors: EdgeError[] };

export function parseFile(file: string, options: ParseOptions): ParseResult {
  const errors: EdgeError[] = [];
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readConfigText(absolute);
  } catch (error) {
    if (error instanceof EdgeError) return { nodes: [], errors: [error] };
    throw error;
  }
  const nodes = parseSource(text, absolute, options, errors, [absolute]);
  return { nodes, errors };
}

/** Parses text as if it were the file `file` (used by tests and by `edge fmt` on stdin). */
export function parseText(text: string, file: string, options: ParseOptions): ParseResult {
  const errors: EdgeError[] = [];
  const absolute = path.resolve(file);
  const nodes = parseSource(text, absolute, options, errors, [absolute]);
  return { nodes, errors };
}

function parseSource(
  text: string,
  absolute: string,
  options: ParseOptions,
  errors: EdgeError[],
  stack: string[],
): ConfigNode[] {
  const file = displayPath(absolute);
  let tokens: Token[];
  try {
    tokens = lex(text, { file, env: options.env, report: (e) => errors.push(e) });
  } catch (error) {
    if (error instanceof EdgeError) {
      errors.push(error);
      return [];
    }
    throw error;
  }
  const raw = options.env === null;
  let pos = 0;

  const parseBlock = (opener: ConfigNode | null): ConfigNode[] => {
    const nodes: ConfigNode[] = [];
    for (;;) {
      const tok = tokens[pos];
      if (tok === undefined) {
        if (opener) {
          errors.push(
            new EdgeError(
              'EDGE_ERR_CONFIG_SYNTAX',
              `"${opener.directive}" block is not closed: missing "}" before end of file`,
              whereOf(opener),
            ),
          );
        }
        return nodes;
      }
      pos++;
      const where = { file, line: tok.line, col: tok.col };
      switch (tok.kind) {
        case 'comment':
          if (raw) nodes.push({ directive: commentDirective, args: [tok.value], ...where });
          continue;
        case '}':
          if (opener) return nodes;
          errors.push(new EdgeError('EDGE_ERR_CONFIG_SYNTAX', 'unexpected "}": no block is open here', where));
          continue;
        case ';':
          errors.push(new EdgeError('EDGE_ERR_CONFIG_SYNTAX', 'unexpected ";": a directive name must come first', where));
          continue;
        case '{':
          errors.push(
            new EdgeError('EDGE_ERR_CONFIG_SYNTAX', 'unexpected "{": a block needs a directive name before it', where),
          );
          parseBlock({ directive: '{', args: [], ...where });
          continue;
        case 'word':
          break;
      }
      const node: ConfigNode = { directive: tok.value, args: [], ...where };
      const trailing: ConfigNode[] = [];
      let end: Token | undefined;
      for (;;) {
        end = tokens[pos];
        if (end === undefined || end.kind !== 'word') {
          if (end?.kind === 'comment') {
            pos++;
            if (raw) trailing.push({ directive: commentDirective, args: [end.value], file, line: end.line, col: end.col });
            continue;
          }
          break;
        }
        node.args.push(end.value);
        if (end.unresolved) node.unresolved = true;
        pos++;
      }
      if (end?.kind === ';') {
        pos++;
      } else if (end?.kind === '{') {
        pos++;
        node.block = parseBlock(node);
      } else {
        const why = end === undefined ? 'before end of file' : 'before "}"';
        errors.push(
          new EdgeError('EDGE_ERR_CONFIG_SYNTAX', `"${node.directive}" is not terminated by ";" ${why}`, where),
        );
        continue;
      }
      if (!raw && node.directive === 'include' && node.block === undefined) {
        nodes.push(...expandInclude(node, absolute, options, errors, stack));
      } else {
        nodes.push(node);
      }
      nodes.push(...trailing);
    }
  };

  return parseBlock(null);
}

const globChars = /[*?[]/;

function expandInclude(
  node: ConfigNode,
  including: string,
  options: ParseOptions,
  errors: EdgeError[],
  stack: string[],
): ConfigNode[] {
  const where = whereOf(node);
  // Its unset variable is reported already; the path it would give is not worth a second error.
  if (node.unresolved) return [];
  const pattern = node.args[0];
  if (node.args.length !== 1 || pattern === undefined || pattern === '') {
    errors.push(
      new EdgeError('EDGE_ERR_CONFIG_ARGS', `"include" takes 1 argument (FILE | GLOB), got ${node.args.length}`, where),
    );
    return [];
  }
  const dir = path.dirname(including);
  let files: string[];
  if (globChars.test(pattern)) {
    // Like nginx, a glob that matches nothing is not an error; a plain name that is missing is.
    files = globSync(pattern, { cwd: dir })
      .map((f) => path.resolve(dir, f))
      .filter((f) => !isDirectory(f))
      .sort();
  } else {
    files = [path.resolve(dir, pattern)];
  }
  const nodes: ConfigNode[] = [];
  for (const file of files) {
    if (stack.includes(file)) {
      const cycle = [...stack.slice(stack.indexOf(file)), file].map((f) => displayPath(f)).join(' → ');
      errors.push(new EdgeError('EDGE_ERR_CONFIG_INCLUDE', `include cycle: ${cycle}`, where));
      continue;
    }
    let text: string;
    try {
      text = readConfigText(file, where);
    } catch (error) {
      if (!(error instanceof EdgeError)) throw error;
      errors.push(error);
      continue;
    }
    nodes.push(...parseSource(text, file, options, errors, [...stack, file]));
  }
  return nodes;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

export function whereOf(node: ConfigNode): Where {
  return { file: node.file, line: node.line, col: node.col };
}
