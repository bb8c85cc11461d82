// The master role is the process the user started: `edge run` becomes the master once the
// configuration is valid.

import type { LoadResult } from '../config/load.ts';
import type { EdgeConfig } from '../config/types.ts';
import { configureLog } from '../log.ts';
import { Arbiter } from './arbiter.ts';
import { runDirectoryOf } from './run-dir.ts';

export function runMaster(config: EdgeConfig, reloadConfig: () => LoadResult): Promise<number> {
  configureLog(config.errorLog, 'master');
  return new Arbiter(config, runDirectoryOf(config), reloadConfig).run();
}
