// Generations: the first start, and the zero-downtime reload that boots a new generation
// beside the running one, switches to it once it is ready, and drains the old.

import { EdgeError, formatError } from '../errors.ts';
import type { ControlReply } from '../ipc.ts';
import { log } from '../log.ts';
import { countWorkers, newGeneration } from './arbiter-state.ts';
import type { ArbiterState, Generation } from './arbiter-state.ts';
import { sendToFront, signal } from './children.ts';
import type { FrontRecord, WorkerRecord } from './children.ts';
import { spawnFront } from './fronts.ts';
import { checkStopDuringStart } from './halt.ts';
import { bindListeners } from './listeners.ts';
import { loadGenerationTls, prepareTicketKeys, scheduleTicketRotation } from './tls.ts';
import { kill, spawnWorker, stopWorker } from './worker-pool.ts';

/**
 * Reads the generation's TLS material, boots its workers, then its fronts; rejects with the
 * first failure.
 */
export async function startGeneration(s: ArbiterState, gen: Generation): Promise<void> {
  // Certificates are read again for every generation: a reload picks up renewed files.
  gen.tls = await loadGenerationTls(gen.config);
  checkStopDuringStart(s);
  prepareTicketKeys(s, gen);
  const booting: WorkerRecord[] = [];
  for (const app of gen.config.apps) {
    for (let i = 0; i < (gen.wanted.get(app.name) ?? 0); i++) booting.push(spawnWorker(s, gen, app));
  }
  try {
    await Promise.all(booting.map((w) => whenReady(w)));
    checkStopDuringStart(s);
    const fronts: FrontRecord[] = [];
    for (let i = 0; i < gen.config.frontProcesses; i++) fronts.push(spawnFront(s, gen));
    await Promise.all(fronts.map((f) => whenFrontReady(f)));
  } catch (error) {
    for (const w of s.workers) if (w.generation === gen.id) kill(w);
    for (const f of gen.fronts) signal(f.child, 'SIGKILL');
    throw error;
  }
}

function whenReady(worker: WorkerRecord): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (worker.state === 'ready' || worker.state === 'draining') resolve();
      else if (worker.state !== 'booting') {
        reject(new EdgeError('EDGE_ERR_APP_BOOT', `worker ${worker.pid} failed to boot the app: ${worker.bootError ?? 'it exited before it was ready'}`));
      } else setTimeout(check, 10);
    };
    check();
  });
}

function whenFrontReady(front: FrontRecord): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (front.state === 'ready') resolve();
      else if (front.state === 'dead') reject(new EdgeError('EDGE_ERR_LISTEN', front.failure ?? `front ${front.pid} exited before it was ready`));
      else setTimeout(check, 10);
    };
    check();
  });
}

export async function reload(s: ArbiterState): Promise<ControlReply> {
  log.info('reloading: reading the configuration again');
  const result = s.reloadConfig();
  if (result.config === null) {
    for (const e of result.errors) log.error(`reload: ${formatError(e)}`);
    const message = `reload failed: the configuration has ${result.errors.length} error(s); the running generation keeps serving`;
    log.error(message);
    return { ok: false, message: [message, ...result.errors.map(formatError)].join('\n') };
  }
  const previous = s.listeners;
  const gen = newGeneration(s, result.config);
  try {
    s.listeners = await bindListeners(result.config, previous);
    await startGeneration(s, gen);
  } catch (error) {
    for (const [key, l] of s.listeners) if (!previous.has(key)) l.handle.close();
    s.listeners = previous;
    s.generations.delete(gen.id);
    const reason = error instanceof EdgeError ? error.message : String(error);
    const message = `reload failed: ${reason}; the running generation keeps serving`;
    log.error(message);
    return { ok: false, message };
  }
  const old = s.current;
  s.current = gen;
  scheduleTicketRotation(s);
  for (const [key, l] of previous) if (!s.listeners.has(key)) l.handle.close();
  for (const f of old.fronts) {
    f.state = 'draining';
    sendToFront(f, { type: 'front:stop', mode: 'graceful' });
  }
  if (old.fronts.size === 0) retireGeneration(s, old);
  const message = `reloaded: generation ${gen.id} serving with ${countWorkers(s, gen.id)} workers; generation ${old.id} draining`;
  log.info(message);
  return { ok: true, message };
}

/** Its fronts are gone: no request can reach its workers any more. */
export function retireGeneration(s: ArbiterState, gen: Generation): void {
  for (const w of s.workers) if (w.generation === gen.id) stopWorker(s, w);
}
