// `edge reload`, `edge stop`, `edge status`, `edge scale`, `edge reopen`: commands for a
// running master.

import { EdgeError } from '../errors.ts';
import type { ControlReply, ProcessStatus } from '../ipc.ts';
import type { Command } from './command.ts';
import { askMaster } from './control-client.ts';
import { configFlags } from './load-from-flags.ts';
import { out, say } from './output.ts';

const locate = { config: configFlags.config };

function finish(reply: ControlReply): number {
  if (!reply.ok) throw new EdgeError('EDGE_ERR_CONTROL', reply.message);
  say(reply.message);
  return 0;
}

export const reloadCommand: Command = {
  name: 'reload',
  usage: 'edge reload [--config FILE]',
  summary: 'zero-downtime reload of the running edge (like SIGHUP); waits for the result',
  flags: locate,
  maxPositionals: 1,
  async run(args) {
    return finish(await askMaster('reload', args, { command: 'reload' }));
  },
};

export const stopCommand: Command = {
  name: 'stop',
  usage: 'edge stop [--config FILE] [--quick]',
  summary: 'stop the running edge: gracefully (like SIGTERM), or at once with --quick',
  flags: { ...locate, quick: { type: 'boolean', doc: 'stop at once instead of letting in-flight requests finish' } },
  maxPositionals: 1,
  async run(args) {
    return finish(await askMaster('stop', args, { command: 'stop', quick: args.flags.quick === true }));
  },
};

export const scaleCommand: Command = {
  name: 'scale',
  usage: 'edge scale [--config FILE] +N|-N',
  summary: 'add or remove app workers (like SIGTTIN / SIGTTOU)',
  flags: locate,
  maxPositionals: 2,
  async run(args) {
    const delta = args.positionals[args.positionals.length - 1] ?? '';
    if (!/^[+-]\d+$/.test(delta)) throw new EdgeError('EDGE_ERR_USAGE', `edge scale needs +N or -N, got "${delta}"; see edge scale --help`);
    return finish(await askMaster('scale', { ...args, positionals: args.positionals.slice(0, -1) }, { command: 'scale', delta: Number(delta) }));
  },
};

export const reopenCommand: Command = {
  name: 'reopen',
  usage: 'edge reopen [--config FILE]',
  summary: 'reopen the error_log file after logrotate moved it (like SIGUSR1, nginx -s reopen)',
  flags: locate,
  maxPositionals: 1,
  async run(args) {
    return finish(await askMaster('reopen', args, { command: 'reopen' }));
  },
};

export const statusCommand: Command = {
  name: 'status',
  usage: 'edge status [--config FILE] [--json]',
  summary: 'the running master, fronts and workers: pid, generation, state, requests, memory, age',
  flags: { ...locate, json: { type: 'boolean', doc: 'print JSON' } },
  maxPositionals: 1,
  async run(args) {
    const reply = await askMaster('status', args, { command: 'status' });
    if (!reply.ok || reply.status === undefined) return finish(reply);
    if (args.flags.json === true) {
      out(`${JSON.stringify(reply.status, null, 2)}\n`);
      return 0;
    }
    out(formatStatus(reply.status.master, reply.status.processes));
    return 0;
  },
};

function formatStatus(master: number, rows: readonly ProcessStatus[]): string {
  const now = Date.now();
  const table = [['ROLE', 'PID', 'GEN', 'APP', 'STATE', 'SERVED', 'IN FLIGHT', 'RSS', 'AGE']];
  for (const r of rows) {
    table.push([
      r.role,
      String(r.pid),
      String(r.generation),
      r.app ?? '-',
      r.state,
      String(r.served),
      String(r.inFlight),
      r.rss > 0 ? `${(r.rss / 1048576).toFixed(1)} MiB` : '-',
      formatAge(now - r.startedAt),
    ]);
  }
  const widths = (table[0] as string[]).map((_, c) => Math.max(...table.map((row) => (row[c] as string).length)));
  const lines = table.map((row) => row.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ').trimEnd());
  return `master ${master}\n${lines.join('\n')}\n`;
}

function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
