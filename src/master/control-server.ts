// The control socket: `edge reload|stop|status|scale` talk to the running master through a
// Unix socket (0600) in the run directory, one JSON line each way, so containers need no
// pidfile or signal games.

import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ControlReply, ControlRequest } from '../ipc.ts';
import { controlSocketName } from './run-dir.ts';

const commands = new Set(['status', 'reload', 'stop', 'scale', 'reopen']);

export async function startControlServer(
  runDir: string,
  handle: (request: ControlRequest, reply: (r: ControlReply) => void) => void,
): Promise<() => void> {
  const file = path.join(runDir, controlSocketName);
  rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end === -1) {
        if (buffer.length > 4096) socket.destroy();
        return;
      }
      socket.pause();
      const reply = (r: ControlReply): void => {
        if (!socket.destroyed) socket.end(`${JSON.stringify(r)}\n`);
      };
      let request: ControlRequest;
      try {
        request = JSON.parse(buffer.slice(0, end)) as ControlRequest;
      } catch {
        reply({ ok: false, message: 'the control request is not JSON' });
        return;
      }
      if (typeof request !== 'object' || request === null || !commands.has(request.command)) {
        reply({ ok: false, message: 'unknown control command' });
        return;
      }
      handle(request, reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(file, 0o600);
  return () => {
    server.close();
    rmSync(file, { force: true });
  };
}
