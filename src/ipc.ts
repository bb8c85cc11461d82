// Every message that crosses a process boundary, typed in one place.

import type { EdgeConfig } from './config/types.ts';
import type { ServerTls } from './tls/types.ts';

export type { ServerTls };

/** Parent → probe: the diagnostic role `edge selftest` starts. */
export type ProbeRequest = { type: 'probe:ping'; id: number } | { type: 'probe:load'; id: number; file: string };

/** Probe → parent. */
export type ProbeReply =
  | { type: 'probe:ready'; pid: number; role: string }
  | { type: 'probe:pong'; id: number; pid: number }
  | { type: 'probe:loaded'; id: number; file: string; exports: string }
  | { type: 'probe:failed'; id: number; file: string; message: string };

/**
 * Front → worker, on every proxied request: `<address> <port> <http|https>` of the client,
 * and for a TLS client `<version> <cipher>` after them.
 * Always the first header; the worker removes it before the app sees the request.
 */
export const clientHeader = 'x-edge-client';

/** What a worker needs to boot; sent by the master as the first message. */
export type WorkerSpec = {
  id: number;
  generation: number;
  socketPath: string;
  module: string;
  chdir: string;
  heartbeatMs: number;
  bootTimeoutMs: number;
  /** This worker's max_requests, jitter applied; 0 when recycling is off. */
  maxRequests: number;
};

/** Master → worker. 'shutdown' is the plain string PM2 sends, so apps that listen for it work. */
export type MasterToWorker = { type: 'worker:start'; spec: WorkerSpec } | 'shutdown';

/** Worker → master. */
export type WorkerToMaster =
  | { type: 'worker:ready'; pid: number; form: string }
  | { type: 'worker:heartbeat'; rss: number; served: number; inFlight: number; connections: number }
  | { type: 'worker:failed'; message: string };

/** A listening address the master bound; its handle follows in a 'front:listener' message. */
export type ListenerInfo = { key: string; url: string };

/** What a front needs to start; the listening handles follow one message each. */
export type FrontSpec = {
  generation: number;
  config: EdgeConfig;
  listeners: ListenerInfo[];
  /**
   * Index-aligned with config.servers: each server's certificate, key and TLS settings,
   * read (again) by the master for this generation; null for a server without `ssl` listener.
   */
  tls: Array<ServerTls | null>;
  /**
   * The session ticket keys every front uses (base64 of the 48 bytes `setTicketKeys()`
   * takes; decode with decodeTicketKeys from src/tls/ticket-keys.ts), or null when no server
   * uses tickets. Replaced later by 'front:ticket-keys' messages.
   */
  ticketKeys: string | null;
};

/** The front's view of one worker. */
export type WorkerView = { id: number; pid: number; app: string; socketPath: string; state: 'ready' | 'draining' };

/** Master → front. */
export type MasterToFront =
  | { type: 'front:start'; spec: FrontSpec }
  | { type: 'front:listener'; key: string }
  | { type: 'front:workers'; workers: WorkerView[] }
  /** `hungSince`: the worker hung after this time; requests sent before it may have hung it. */
  | { type: 'front:worker-timeout'; id: number; pid: number; hungSince: number }
  | { type: 'front:stop'; mode: 'graceful' | 'quick' }
  /** New session ticket keys (see FrontSpec.ticketKeys), sent to every front at each rotation. */
  | { type: 'front:ticket-keys'; keys: string };

/** Front → master. */
export type FrontToMaster =
  | { type: 'front:ready'; pid: number }
  /** No request is in flight to this worker and none will be sent: it may be stopped. */
  | { type: 'front:released'; id: number }
  | { type: 'front:timeout-noted'; id: number }
  | { type: 'front:failed'; message: string }
  | { type: 'front:heartbeat'; rss: number; served: number; inFlight: number };

/** `edge reload|stop|status|scale` → master, over the control socket: one JSON line each way. */
export type ControlRequest =
  | { command: 'status' }
  | { command: 'reload' }
  | { command: 'stop'; quick: boolean }
  | { command: 'scale'; delta: number }
  | { command: 'reopen' };

export type ProcessStatus = {
  role: 'front' | 'worker';
  pid: number;
  generation: number;
  app: string | null;
  state: string;
  served: number;
  inFlight: number;
  /** Connections the worker has accepted from fronts: few means keep-alive works. */
  connections: number;
  rss: number;
  startedAt: number;
};

export type ControlReply =
  | { ok: true; message: string; status?: { master: number; processes: ProcessStatus[] } }
  | { ok: false; message: string };
