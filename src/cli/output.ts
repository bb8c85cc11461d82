// How the command line speaks: results on stdout, messages on stderr, each error once.

import { EdgeError, formatError } from '../errors.ts';

export function say(line: string): void {
  process.stderr.write(`edge: ${line}\n`);
}

/** Configuration errors read as `file:line:col: message`, the form editors jump to. */
export function reportErrors(errors: readonly EdgeError[]): void {
  for (const error of errors) {
    process.stderr.write(error.where ? `${formatError(error)}\n` : `edge: ${error.message}\n`);
  }
}

export function out(text: string): void {
  process.stdout.write(text);
}
