// Every message that crosses a process boundary, typed in one place.

/** Parent → probe: the diagnostic role `edge selftest` starts. */
export type ProbeRequest = { type: 'probe:ping'; id: number } | { type: 'probe:load'; id: number; file: string };

/** Probe → parent. */
export type ProbeReply =
  | { type: 'probe:ready'; pid: number; role: string }
  | { type: 'probe:pong'; id: number; pid: number }
  | { type: 'probe:loaded'; id: number; file: string; exports: string }
  | { type: 'probe:failed'; id: number; file: string; message: string };
