// `edge config`: the effective configuration after defaults, environment and flags.

import { configToTree } from '../config/effective.ts';
import { printConfig } from '../config/print.ts';
import type { Command } from './command.ts';
import { configFlags, loadFromFlags } from './load-from-flags.ts';
import { out, reportErrors } from './output.ts';

export const configCommand: Command = {
  name: 'config',
  usage: 'edge config [--config FILE] [--json] [APP]',
  summary: 'print the effective configuration (defaults, environment and flags applied)',
  details:
    'Prints every setting edge will use, in edge.conf syntax or, with --json, as the typed\nobject the runtime reads. Precedence: flags > environment (PORT, WEB_CONCURRENCY,\nEDGE_CONFIG) > edge.conf > built-in defaults.',
  flags: { ...configFlags, json: { type: 'boolean', doc: 'print JSON instead of edge.conf syntax' } },
  maxPositionals: 1,
  run(args) {
    const { result } = loadFromFlags('config', args);
    if (result.config === null) {
      reportErrors(result.errors);
      return 1;
    }
    out(args.flags.json === true ? `${JSON.stringify(result.config, null, 2)}\n` : printConfig(configToTree(result.config), { raw: false }));
    return 0;
  },
};
