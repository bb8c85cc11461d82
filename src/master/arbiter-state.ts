// The arbiter's state, shared by the files that act on it (generations, the worker pool, the
// fronts, halting, control), and the small questions they all ask of it.

import type { LoadResult } from '../config/load.ts';
import type { EdgeConfig } from '../config/types.ts';
import type { ServerTls } from '../tls/types.ts';
import { Backoff } from './backoff.ts';
import type { FrontRecord, WorkerRecord } from './children.ts';
import type { BoundListener } from './listeners.ts';

export type Generation = {
  id: number;
  config: EdgeConfig;
  wanted: Map<string, number>;
  fronts: Set<FrontRecord>;
  /** Read when the generation starts (src/tls/material.ts); index-aligned with config.servers. */
  tls: Array<ServerTls | null>;
};

export type ArbiterState = {
  runDir: string;
  reloadConfig: () => LoadResult;
  listeners: Map<string, BoundListener>;
  current: Generation;
  generations: Map<number, Generation>;
  workers: Set<WorkerRecord>;
  fronts: Set<FrontRecord>;
  nextWorkerId: number;
  nextGeneration: number;
  /** Until the first generation serves, actions wait; a stop ends the start-up instead. */
  starting: boolean;
  stopDuringStart: boolean;
  halting: 'graceful' | 'quick' | null;
  backoff: Backoff;
  removeSignals: () => void;
  timers: NodeJS.Timeout[];
  done: (code: number) => void;
  exitCode: number;
  finished: boolean;
  closeControl: () => void;
  /** The session ticket keys all fronts share (base64), once a generation uses tickets. */
  ticketKeys: string | null;
  ticketRotation: { period: number; timer: NodeJS.Timeout } | null;
};

export function createState(config: EdgeConfig, runDir: string, reloadConfig: () => LoadResult): ArbiterState {
  const first = makeGeneration(1, config);
  return {
    runDir,
    reloadConfig,
    listeners: new Map(),
    current: first,
    generations: new Map([[first.id, first]]),
    workers: new Set(),
    fronts: new Set(),
    nextWorkerId: 1,
    nextGeneration: 2,
    starting: true,
    stopDuringStart: false,
    halting: null,
    backoff: new Backoff(),
    removeSignals: () => {},
    timers: [],
    done: () => {},
    exitCode: 0,
    finished: false,
    closeControl: () => {},
    ticketKeys: null,
    ticketRotation: null,
  };
}

function makeGeneration(id: number, config: EdgeConfig): Generation {
  return { id, config, wanted: new Map(config.apps.map((a) => [a.name, a.workers])), fronts: new Set(), tls: [] };
}

export function newGeneration(s: ArbiterState, config: EdgeConfig): Generation {
  const gen = makeGeneration(s.nextGeneration++, config);
  s.generations.set(gen.id, gen);
  return gen;
}

export function generationOf(s: ArbiterState, child: { generation: number }): Generation | null {
  return s.generations.get(child.generation) ?? null;
}

/** An old generation with no process left is dropped. */
export function forgetIfDone(s: ArbiterState, id: number): void {
  if (id === s.current.id) return;
  for (const w of s.workers) if (w.generation === id) return;
  for (const f of s.fronts) if (f.generation === id) return;
  s.generations.delete(id);
}

export function isLive(s: ArbiterState, gen: Generation): boolean {
  return gen === s.current && [...gen.fronts].some((f) => f.state === 'ready');
}

export function countWorkers(s: ArbiterState, generation = s.current.id): number {
  return [...s.workers].filter((w) => w.generation === generation && w.state === 'ready').length;
}
