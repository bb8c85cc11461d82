// The command table, and the dispatch from argv to a command.

import { EdgeError } from '../errors.ts';
import { suggestDirective } from '../config/suggest.ts';
import { describeFlags, parseCommandArgs } from './args.ts';
import { certCommand } from './cert.ts';
import { checkCommand } from './check.ts';
import type { Command } from './command.ts';
import { configCommand } from './config.ts';
import { reloadCommand, reopenCommand, scaleCommand, statusCommand, stopCommand } from './control-commands.ts';
import { fmtCommand } from './fmt.ts';
import { runCommand } from './run.ts';
import { selftestCommand } from './selftest.ts';
import { edgeVersion, versionCommand } from './version.ts';
import { out } from './output.ts';

const helpCommand: Command = {
  name: 'help',
  usage: 'edge help [COMMAND]',
  summary: 'show help for edge or for one command',
  flags: {},
  maxPositionals: 1,
  run(args) {
    const name = args.positionals[0];
    if (name === undefined) {
      out(overview());
      return 0;
    }
    out(commandHelp(findCommand(name)));
    return 0;
  },
};

export const commands: readonly Command[] = [
  runCommand,
  checkCommand,
  configCommand,
  fmtCommand,
  reloadCommand,
  reopenCommand,
  stopCommand,
  statusCommand,
  scaleCommand,
  certCommand,
  selftestCommand,
  versionCommand,
  helpCommand,
];

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (command !== undefined) return command;
  const hint = suggestDirective(name, commands.map((c) => c.name));
  throw new EdgeError('EDGE_ERR_USAGE', `unknown command "${name}"${hint ? `; did you mean "${hint}"?` : ''}; see edge help`);
}

export function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const rows = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return `edge ${edgeVersion}: the front tier and app server for Node.js web apps, in one executable

Usage: edge [COMMAND] [FLAGS] [APP]

Commands:
${rows}

Without a command, edge runs. edge COMMAND --help shows the flags of a command.
Documentation: docs/configuration.md, docs/architecture.md
`;
}

function commandHelp(command: Command): string {
  const details = command.details ? `\n${command.details}\n` : '';
  return `Usage: ${command.usage}\n\n${command.summary}\n${details}\nFlags:\n${describeFlags(command.flags)}\n`;
}

/** Runs the command line; returns the exit code. */
export async function runCommandLine(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h') return helpCommand.run({ flags: {}, positionals: [] });
  if (first === '--version') return versionCommand.run({ flags: {}, positionals: [] });
  let command: Command;
  let commandArgs: readonly string[];
  if (first === undefined || first.startsWith('-') || looksLikeAppFile(first)) {
    command = runCommand;
    commandArgs = argv;
  } else {
    command = findCommand(first);
    commandArgs = rest;
  }
  const args = parseCommandArgs(command.name, commandArgs, command.flags, command.maxPositionals);
  if (args.flags.help === true) {
    out(commandHelp(command));
    return 0;
  }
  return command.run(args);
}

// `edge app.js` and `edge ./dist/server` mean `edge run ...`; a bare word is a command.
function looksLikeAppFile(word: string): boolean {
  return /[./\\]/.test(word) && !commands.some((c) => c.name === word);
}
