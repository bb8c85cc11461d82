// `edge selftest [MODULE ...]`: proves on this machine that edge can start a copy of itself
// in another role, talk to it over IPC, and load app modules (CommonJS, ESM, TypeScript).

import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import type { ProbeReply, ProbeRequest } from '../ipc.ts';
import { spawnRole } from '../master/spawn-role.ts';
import type { Command } from './command.ts';
import { out } from './output.ts';

const answerTimeoutMs = 15_000;

export const selftestCommand: Command = {
  name: 'selftest',
  usage: 'edge selftest [MODULE ...]',
  summary: 'check that edge can start itself in another role and load the given app modules',
  flags: {},
  maxPositionals: Number.MAX_SAFE_INTEGER,
  async run(args) {
    const child = spawnRole('probe');
    try {
      const ready = await nextReply(child, (r) => r.type === 'probe:ready');
      const started = performance.now();
      const pong = await ask(child, { type: 'probe:ping', id: 1 });
      const ms = (performance.now() - started).toFixed(1);
      if (pong.type !== 'probe:pong') throw roleError(`unexpected answer ${pong.type}`);
      out(`ok   role: a copy of edge started in the probe role (pid ${pong.pid}) and answered over IPC in ${ms} ms\n`);
      if (ready.type === 'probe:ready' && ready.pid !== child.pid) throw roleError('the probe reported another pid');
      let failed = 0;
      for (const [index, name] of args.positionals.entries()) {
        const file = path.resolve(name);
        const reply = await ask(child, { type: 'probe:load', id: index + 2, file });
        if (reply.type === 'probe:loaded') {
          out(`ok   load ${name}: default export is ${reply.exports}\n`);
        } else if (reply.type === 'probe:failed') {
          failed++;
          out(`FAIL load ${name}: ${reply.message}\n`);
        }
      }
      return failed === 0 ? 0 : 1;
    } finally {
      if (child.connected) child.disconnect();
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await once(child, 'exit');
        clearTimeout(timer);
      }
    }
  },
};

function ask(child: ChildProcess, request: ProbeRequest): Promise<ProbeReply> {
  const reply = nextReply(child, (r) => 'id' in r && r.id === request.id);
  child.send(request);
  return reply;
}

function nextReply(child: ChildProcess, wanted: (reply: ProbeReply) => boolean): Promise<ProbeReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(roleError(`no answer within ${answerTimeoutMs / 1000}s`)), answerTimeoutMs);
    const onMessage = (reply: ProbeReply): void => {
      if (wanted(reply)) finish(null, reply);
    };
    const onExit = (code: number | null, signal: string | null): void => {
      finish(roleError(`the probe exited (${signal ?? `code ${code}`}) before answering`));
    };
    const finish = (error: Error | null, reply?: ProbeReply): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(reply as ProbeReply);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function roleError(message: string): EdgeError {
  return new EdgeError('EDGE_ERR_ROLE', `selftest: ${message}`);
}
