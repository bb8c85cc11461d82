// Command-line parsing on top of util.parseArgs, with one-line errors (exit 2) that name the
// command and the flag.

import { parseArgs } from 'node:util';
import { EdgeError } from '../errors.ts';

export type FlagSpec = { type: 'string' | 'boolean'; short?: string; value?: string; doc: string };

export type ParsedArgs = { flags: Record<string, string | boolean | undefined>; positionals: string[] };

export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
  maxPositionals: number,
): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries({ ...flags, help: helpFlag }).map(([name, f]) => [
      name,
      f.short === undefined ? { type: f.type } : { type: f.type, short: f.short },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(command, error as Error & { code?: string });
  }
  const positionals = parsed.positionals;
  if (positionals.length > maxPositionals && parsed.values.help !== true) {
    const extra = positionals[maxPositionals] ?? '';
    throw new EdgeError('EDGE_ERR_USAGE', `unexpected argument "${extra}" for "edge ${command}"; see edge ${command} --help`);
  }
  return { flags: parsed.values as ParsedArgs['flags'], positionals };
}

const helpFlag: FlagSpec = { type: 'boolean', short: 'h', doc: 'show this help' };

function usageError(command: string, error: Error & { code?: string }): EdgeError {
  const see = `see edge ${command} --help`;
  const flag = /'(-[^']*)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new EdgeError('EDGE_ERR_USAGE', `unknown flag "${flag}" for "edge ${command}"; ${see}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = /--[A-Za-z-]+/.exec(error.message)?.[0] ?? flag;
      const needsValue = /argument missing/.test(error.message);
      return new EdgeError(
        'EDGE_ERR_USAGE',
        needsValue ? `flag "${name}" needs a value; ${see}` : `flag "${name}" takes no value; ${see}`,
      );
    }
    default:
      return new EdgeError('EDGE_ERR_USAGE', `${error.message.split('\n')[0]}; ${see}`);
  }
}

/** Renders the flags of a command for its --help. */
export function describeFlags(flags: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries({ ...flags, help: helpFlag }).map(([name, f]) => {
    const short = f.short ? `-${f.short}, ` : '    ';
    const value = f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : '';
    return [`  ${short}--${name}${value}`, f.doc] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, doc]) => left.padEnd(width) + doc).join('\n');
}
