// `edge fmt FILE`: rewrites a configuration file in canonical form, comments kept and
// `${VAR}` references and includes left as written.

import { readFileSync, renameSync, statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import { parseFile } from '../config/parse.ts';
import { printConfig } from '../config/print.ts';
import { displayPath } from '../config/source.ts';
import type { Command } from './command.ts';
import { out, reportErrors, say } from './output.ts';

export const fmtCommand: Command = {
  name: 'fmt',
  usage: 'edge fmt FILE [--write | --check]',
  summary: 'print a configuration file in canonical form (or rewrite it with --write)',
  flags: {
    write: { type: 'boolean', short: 'w', doc: 'rewrite the file in place (atomically) instead of printing it' },
    check: { type: 'boolean', doc: 'exit 1 when the file is not in canonical form; change nothing' },
  },
  maxPositionals: 1,
  run(args) {
    const target = args.positionals[0];
    if (target === undefined) throw new EdgeError('EDGE_ERR_USAGE', 'edge fmt needs a FILE; see edge fmt --help');
    if (args.flags.write === true && args.flags.check === true) {
      throw new EdgeError('EDGE_ERR_USAGE', '--write and --check cannot be used together; see edge fmt --help');
    }
    const file = path.resolve(target);
    const { nodes, errors } = parseFile(file, { env: null });
    if (errors.length > 0) {
      reportErrors(errors);
      return 1;
    }
    const formatted = printConfig(nodes, { raw: true });
    if (args.flags.check === true) {
      if (readFileSync(file, 'utf8') === formatted) return 0;
      say(`${displayPath(file)} is not in canonical form; run edge fmt --write ${target}`);
      return 1;
    }
    if (args.flags.write === true) {
      writeAtomically(file, formatted);
      return 0;
    }
    out(formatted);
    return 0;
  },
};

// A crash or a full disk leaves either the old file or the new one, never half of one.
function writeAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: statSync(file).mode & 0o777, flush: true });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
