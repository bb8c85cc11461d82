// The master's signals, as in gunicorn: handlers only hand an action to the arbiter's queue.

export type SignalAction =
  | { kind: 'halt'; mode: 'graceful' | 'quick' }
  | { kind: 'reload' }
  | { kind: 'scale'; delta: number }
  | { kind: 'reopen' }
  | { kind: 'upgrade' };

const table: ReadonlyArray<[NodeJS.Signals, SignalAction]> = [
  ['SIGTERM', { kind: 'halt', mode: 'graceful' }],
  ['SIGINT', { kind: 'halt', mode: 'quick' }],
  ['SIGQUIT', { kind: 'halt', mode: 'quick' }],
  ['SIGHUP', { kind: 'reload' }],
  ['SIGTTIN', { kind: 'scale', delta: 1 }],
  ['SIGTTOU', { kind: 'scale', delta: -1 }],
  // Without a handler Node would open its inspector on SIGUSR1 and die of SIGUSR2.
  ['SIGUSR1', { kind: 'reopen' }],
  ['SIGUSR2', { kind: 'upgrade' }],
];

/** Installs the handlers; returns the function that removes them. */
export function installSignals(enqueue: (action: SignalAction) => void): () => void {
  const installed = table.map(([name, action]) => {
    const handler = (): void => enqueue(action);
    process.on(name, handler);
    return [name, handler] as const;
  });
  return () => {
    for (const [name, handler] of installed) process.off(name, handler);
  };
}
