// Tree → canonical edge.conf text: four-space indent, one directive per line, arguments
// quoted only where they must be. Parsing the output gives the same tree again.

import { commentDirective } from './parse.ts';
import type { ConfigNode } from './parse.ts';

export type PrintOptions = {
  /**
   * The tree came from a raw parse (`edge fmt`): its arguments still hold `${VAR}`
   * references and `\\` / `\$` escapes as written, so those are printed untouched.
   */
  raw: boolean;
};

const indentUnit = '    ';

export function printConfig(nodes: readonly ConfigNode[], options: PrintOptions): string {
  const lines: string[] = [];
  printBlock(nodes, 0, null, lines, options);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function printBlock(
  nodes: readonly ConfigNode[],
  depth: number,
  opener: ConfigNode | null,
  lines: string[],
  options: PrintOptions,
): void {
  const indent = indentUnit.repeat(depth);
  let previous: ConfigNode | null = null;
  let previousEnd = opener?.line ?? 0;
  for (const node of nodes) {
    const isComment = node.directive === commentDirective;
    const comment = isComment ? `#${node.args[0] ?? ''}` : '';
    // A comment on the same source line as what precedes it stays on that line.
    const sameLine = node.line > 0 && node.line === (previous ? previous.line : opener?.line) && previous?.block === undefined;
    if (isComment && sameLine && lines.length > 0 && (previous !== null || opener !== null)) {
      lines[lines.length - 1] += `  ${comment}`;
      previous = node;
      continue;
    }
    if (previous !== null && wantsBlankLine(previous, node, previousEnd)) lines.push('');
    if (isComment) {
      lines.push(`${indent}${comment}`);
    } else {
      const head = [node.directive, ...node.args].map((a) => formatArg(a, options.raw)).join(' ');
      if (node.block === undefined) {
        lines.push(`${indent}${head};`);
      } else if (node.block.length === 0) {
        lines.push(`${indent}${head} {}`);
      } else {
        lines.push(`${indent}${head} {`);
        printBlock(node.block, depth + 1, node, lines, options);
        lines.push(`${indent}}`);
      }
    }
    previousEnd = lastLine(node);
    previous = node;
  }
}

// Keeps one blank line where the source had some; between generated nodes (line 0), sets
// blocks apart from what surrounds them.
function wantsBlankLine(previous: ConfigNode, node: ConfigNode, previousEnd: number): boolean {
  if (node.line === 0 || previous.line === 0) {
    return node.block !== undefined || previous.block !== undefined;
  }
  return node.line > previousEnd + 1;
}

function lastLine(node: ConfigNode): number {
  if (node.block === undefined) return node.line;
  const last = node.block[node.block.length - 1];
  return last === undefined ? node.line : lastLine(last) + 1;
}

const needsQuotes = /[\s;{}"']/;
const rawReference = /(?<!\\)\$\{[^}\n]*\}/g;
const escapedChars: Readonly<Record<string, string>> = { '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };
// A backslash before one of these would be read as an escape, so it is doubled.
const escapeFollowers = new Set(['\\', '"', "'", 'n', 'r', 't', '$', '\n', '\t', '\r']);

/** Quotes and escapes one argument so that the lexer reads back exactly `value`. */
export function formatArg(value: string, raw: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const next = value[i + 1];
    if (ch === '\\' && !raw && (next === undefined || escapeFollowers.has(next))) out += '\\\\';
    else if (ch === '$' && !raw && next === '{') out += '\\$';
    else out += escapedChars[ch] ?? ch;
  }
  // Unquoted words read `${...}` as one unit, so a raw reference's braces need no quotes.
  const bare = raw ? value.replace(rawReference, '') : value;
  const quote = value === '' || value.startsWith('#') || needsQuotes.test(bare);
  return quote ? `"${out}"` : out;
}
