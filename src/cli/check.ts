// `edge check`: like `nginx -t`. Every error found, then one summary line; exit 0 or 1.
// Certificates are read and checked too; warnings (a certificate for other names) are
// printed and do not fail the check.

import { displayPath } from '../config/source.ts';
import { loadTlsMaterial } from '../tls/material.ts';
import { problemText } from '../tls/types.ts';
import type { Command } from './command.ts';
import { configFlags, loadFromFlags } from './load-from-flags.ts';
import { reportErrors, say } from './output.ts';

export const checkCommand: Command = {
  name: 'check',
  usage: 'edge check [--config FILE] [APP]',
  summary: 'validate the configuration and report every error (like nginx -t)',
  details: 'Reads the TLS certificates and keys too. `ssl_certificate auto` certificates are made by `edge run` (or `edge cert`), not here.',
  flags: configFlags,
  maxPositionals: 1,
  async run(args) {
    const { file, result } = loadFromFlags('check', args);
    const subject = file === null ? 'built-in configuration' : `configuration file ${displayPath(file)}`;
    const failed = (n: number): number => {
      say(`${subject} test failed (${n} ${n === 1 ? 'error' : 'errors'})`);
      return 1;
    };
    if (result.config === null) {
      reportErrors(result.errors);
      return failed(result.errors.length);
    }
    const { problems } = await loadTlsMaterial(result.config, { mode: 'check' });
    for (const p of problems) process.stderr.write(`${problemText(p)}\n`);
    const errors = problems.filter((p) => p.severity === 'error').length;
    if (errors > 0) return failed(errors);
    say(`${subject} test is successful`);
    return 0;
  },
};
