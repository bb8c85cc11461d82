// `edge check`: like `nginx -t`. Every error found, then one summary line; exit 0 or 1.

import { displayPath } from '../config/source.ts';
import type { Command } from './command.ts';
import { configFlags, loadFromFlags } from './load-from-flags.ts';
import { reportErrors, say } from './output.ts';

export const checkCommand: Command = {
  name: 'check',
  usage: 'edge check [--config FILE] [APP]',
  summary: 'validate the configuration and report every error (like nginx -t)',
  flags: configFlags,
  maxPositionals: 1,
  run(args) {
    const { file, result } = loadFromFlags('check', args);
    const subject = file === null ? 'built-in configuration' : `configuration file ${displayPath(file)}`;
    if (result.config === null) {
      reportErrors(result.errors);
      const n = result.errors.length;
      say(`${subject} test failed (${n} ${n === 1 ? 'error' : 'errors'})`);
      return 1;
    }
    say(`${subject} test is successful`);
    return 0;
  },
};
