// Typed config → tree, so that `edge config` can print the effective configuration (every
// default and override made explicit) in edge.conf syntax that parses back to the same.

import { isDeepStrictEqual } from 'node:util';
import { directivesIn } from './directives.ts';
import type { ConfigNode } from './parse.ts';
import type { Context, EdgeConfig } from './types.ts';

type Values = Readonly<Record<string, unknown>>;

export function configToTree(config: EdgeConfig): ConfigNode[] {
  const nodes = settings('main', config, null);
  for (const app of config.apps) {
    nodes.push(node('app', [app.name], settings('app', app, { values: config, context: 'main' })));
  }
  for (const server of config.servers) {
    const block = settings('server', server, { values: config, context: 'main' });
    for (const location of server.locations) {
      const args = location.modifier === '' ? [location.path] : [location.modifier, location.path];
      block.push(node('location', args, settings('location', location, { values: server, context: 'server' })));
    }
    nodes.push(node('server', [], block));
  }
  return nodes;
}

// The simple directives of one block; an inherited value equal to the enclosing block's is
// left to inheritance, as a person would write it.
function settings(context: Context, values: Values, parent: { values: Values; context: Context } | null): ConfigNode[] {
  const nodes: ConfigNode[] = [];
  for (const spec of directivesIn(context)) {
    if (spec.key === null || spec.block !== undefined) continue;
    const value = values[spec.key];
    if (
      spec.inherit &&
      parent !== null &&
      spec.contexts.includes(parent.context) &&
      isDeepStrictEqual(value, parent.values[spec.key])
    ) {
      continue;
    }
    if (spec.lines !== undefined) {
      const lines = spec.lines.print(value);
      if (lines !== null) nodes.push(node(spec.name, [], lines.map(([first = '', ...rest]) => node(first, rest))));
      continue;
    }
    for (const args of spec.print(value)) nodes.push(node(spec.name, args));
  }
  return nodes;
}

function node(directive: string, args: string[], block?: ConfigNode[]): ConfigNode {
  const n: ConfigNode = { directive, args, file: '', line: 0, col: 0 };
  if (block !== undefined) n.block = block;
  return n;
}
