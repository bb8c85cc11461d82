// The probe role: a child that answers pings and loads modules on request, so that
// `edge selftest` proves the executable can start itself in another role and load apps.

import type { ProbeReply, ProbeRequest } from '../ipc.ts';
import { describeExports, importApp } from './load-app.ts';

export function runProbe(): void {
  const send = (reply: ProbeReply): void => {
    process.send?.(reply);
  };
  if (process.send === undefined) {
    process.stderr.write('edge: the probe role needs an IPC channel to its parent\n');
    process.exitCode = 1;
    return;
  }
  process.on('message', (message: ProbeRequest) => {
    if (message.type === 'probe:ping') {
      send({ type: 'probe:pong', id: message.id, pid: process.pid });
      return;
    }
    importApp(message.file).then(
      (namespace) => send({ type: 'probe:loaded', id: message.id, file: message.file, exports: describeExports(namespace) }),
      (error: Error) => send({ type: 'probe:failed', id: message.id, file: message.file, message: error.message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'probe:ready', pid: process.pid, role: 'probe' });
}
