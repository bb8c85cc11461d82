// Talking to a running master over its control socket, found from the same configuration
// the master was started with.

import net from 'node:net';
import path from 'node:path';
import { EdgeError } from '../errors.ts';
import type { ControlReply, ControlRequest } from '../ipc.ts';
import { controlSocketName, defaultRunDirectory, runDirectoryOf } from '../master/run-dir.ts';
import type { ParsedArgs } from './args.ts';
import { loadFromFlags } from './load-from-flags.ts';
import { reportErrors } from './output.ts';

export async function askMaster(command: string, args: ParsedArgs, request: ControlRequest, timeoutMs = 120_000): Promise<ControlReply> {
  const { file, result } = loadFromFlags(command, args);
  let runDir: string;
  if (result.config !== null) {
    runDir = runDirectoryOf(result.config);
  } else if (file !== null) {
    // The file may have been broken since the master started (the case `edge reload` must
    // report): the master is found by the file's name, and it reports the errors itself.
    runDir = defaultRunDirectory(file);
  } else {
    reportErrors(result.errors);
    throw new EdgeError('EDGE_ERR_CONTROL', 'cannot find the running master: the configuration is not valid');
  }
  const socketPath = path.join(runDir, controlSocketName);
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new EdgeError('EDGE_ERR_CONTROL', `the master did not answer "${request.command}" within ${timeoutMs / 1000}s`));
    });
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (buffer += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffer) as ControlReply);
      } catch {
        reject(new EdgeError('EDGE_ERR_CONTROL', 'the master sent an unreadable answer'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' ? 'no edge master is running with this configuration' : error.message;
      reject(new EdgeError('EDGE_ERR_CONTROL', `${why} (control socket ${socketPath})`));
    });
  });
}
