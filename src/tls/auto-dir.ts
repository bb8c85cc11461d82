// Where `ssl_certificate auto` keeps its CA and certificates: `ssl_auto_dir`, else a
// per-user data directory, so that one CA, trusted once, serves every project of the user.

import os from 'node:os';
import path from 'node:path';
import type { EdgeConfig } from '../config/types.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_DATA_HOME/edge/certs`, else `~/.local/share/edge/certs`. */
export function defaultAutoDir(env: Env = process.env): string {
  const data = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(data, 'edge', 'certs');
}

export function autoDirOf(config: Pick<EdgeConfig, 'sslAutoDir'> | null, env: Env = process.env): string {
  return config?.sslAutoDir ?? defaultAutoDir(env);
}

export const caCertName = 'ca.crt';
export const caKeyName = 'ca.key';
