// Loading a configuration written by a test, for the TLS tests.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.ts';
import type { EdgeConfig } from '../../src/config/types.ts';

export function loadConf(dir: string, text: string, name = 'edge.conf'): EdgeConfig {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const result = loadConfig({ file, env: {}, cpus: 1, cwd: dir, flags: { app: null, port: null, workers: null } });
  if (result.config === null) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.config;
}

/** A server block with one TLS listener and the given lines. */
export function tlsServer(lines: string): string {
  return `server {\n    listen 127.0.0.1:0 ssl;\n${lines}\n    location / { return 200 ok; }\n}\n`;
}
