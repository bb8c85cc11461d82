// `edge run`: validate the configuration, then start the master. The master and its worker
// pool are the next milestone; until then run stops after validating and says so.

import { displayPath } from '../config/source.ts';
import type { Command } from './command.ts';
import { configFlags, loadFromFlags } from './load-from-flags.ts';
import { reportErrors, say } from './output.ts';

export const runCommand: Command = {
  name: 'run',
  usage: 'edge [run] [--config FILE] [--port PORT] [--workers N] [APP]',
  summary: 'run the app behind the front tier (the default command)',
  details:
    'APP is the app\'s entry file; with it and no edge.conf, edge runs on built-in defaults:\nlisten on $PORT or 8080, $WEB_CONCURRENCY or one worker per CPU core.',
  flags: configFlags,
  maxPositionals: 1,
  run(args) {
    const { file, result } = loadFromFlags('run', args);
    if (result.config === null) {
      reportErrors(result.errors);
      return 1;
    }
    const subject = file === null ? 'the built-in configuration' : displayPath(file);
    say(`${subject} is valid; serving is not built yet (the master and worker pool come next), so edge stops here`);
    return 0;
  },
};
