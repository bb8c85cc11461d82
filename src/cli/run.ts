// `edge run`: validate the configuration, then become the master of the fronts and workers.

import { runMaster } from '../master/master.ts';
import type { Command } from './command.ts';
import { configFlags, loadFromFlags } from './load-from-flags.ts';
import { reportErrors } from './output.ts';

export const runCommand: Command = {
  name: 'run',
  usage: 'edge [run] [--config FILE] [--port PORT] [--workers N] [APP]',
  summary: 'run the app behind the front tier (the default command)',
  details:
    'APP is the app\'s entry file; with it and no edge.conf, edge runs on built-in defaults:\nlisten on $PORT or 8080, $WEB_CONCURRENCY or one worker per CPU core.',
  flags: configFlags,
  maxPositionals: 1,
  run(args) {
    const { result } = loadFromFlags('run', args);
    if (result.config === null) {
      reportErrors(result.errors);
      return 1;
    }
    // SIGHUP reads the same file with the same flags, and the environment as it is then.
    return runMaster(result.config, () => loadFromFlags('run', args).result);
  },
};
