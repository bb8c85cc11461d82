// docs/errors.md, rendered from the error registry in src/errors.ts.

import { errorCodes } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { generatedNotice } from './config-reference.ts';

function intro(): string {
  return `# Error reference

Every error edge reports has a stable code, listed here with the exit status it gives and
what causes it. A code is never reused for a different cause.

## How errors read

- **Configuration errors** name the place: \`file:line:col: message\`, the form editors and
  CI logs link to (the file relative to the working directory when it is below it; line and
  column count from 1). \`edge check\` reports every error it finds, not just the first, then
  one summary line.
- **Other errors** (the command line, environment variables, the app) read
  \`edge: message\`.
- **Exit status**: 0 on success, else the status of the error's code, as listed below:
  ${exitRule()}.
  An internal error (a bug in edge) prints \`edge: internal error:\` and a stack trace,
  and exits 70.

## Codes
`;
}

/** `EDGE_ERR_USAGE exits 2; every other code exits 1`, from the registry. */
function exitRule(): string {
  const byExit = new Map<number, ErrorCode[]>();
  for (const c of Object.keys(errorCodes) as ErrorCode[]) {
    const exit = errorCodes[c].exit;
    byExit.set(exit, [...(byExit.get(exit) ?? []), c]);
  }
  const groups = [...byExit].sort((a, b) => a[1].length - b[1].length);
  const common = groups.pop();
  const rare = groups.map(([exit, cs]) => `${cs.map((c) => `\`${c}\``).join(', ')} ${cs.length === 1 ? 'exits' : 'exit'} ${exit}`);
  return [...rare, common ? `${rare.length > 0 ? 'every other code' : 'every code'} exits ${common[0]}` : ''].filter(Boolean).join('; ');
}

function section(code: ErrorCode): string {
  const { exit, doc } = errorCodes[code];
  return [`### \`${code}\``, '', `Exit status: ${exit}`, '', doc].join('\n');
}

export function renderErrorReference(): string {
  const codes = Object.keys(errorCodes) as ErrorCode[];
  const summary = [
    '| Code | Exit status |',
    '|---|---|',
    ...codes.map((c) => `| [\`${c}\`](#${c.toLowerCase()}) | ${errorCodes[c].exit} |`),
  ].join('\n');
  return `${generatedNotice}\n\n${intro()}\n${summary}\n\n${codes.map(section).join('\n\n')}\n`;
}
