// The shape of one command of the command line.

import type { FlagSpec, ParsedArgs } from './args.ts';

export type Command = {
  name: string;
  usage: string;
  summary: string;
  /** Longer help text shown by `edge COMMAND --help`, after the usage line. */
  details?: string;
  flags: Readonly<Record<string, FlagSpec>>;
  maxPositionals: number;
  /** Returns the exit code; may throw EdgeError. */
  run: (args: ParsedArgs) => number | Promise<number>;
};
