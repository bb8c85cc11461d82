// The master's signals, as in gunicorn: handlers only hand an action to the arbiter's queue.

export type SignalAction = { kind: 'halt'; mode: 'graceful' | 'quick' } | { kind: 'reload' } | { kind: 'scale'; delta: number };

const table: ReadonlyArray<[NodeJS.Signals, SignalAction]> = [
  ['SIGTERM', { kind: 'halt', mode: 'graceful' }],
  ['SIGINT', { kind: 'halt', mode: 'quick' }],
  ['SIGQUIT', { kind: 'halt', mode: 'quick' }],
  ['SIGHUP', { kind: 'reload' }],
  ['SIGTTIN', { kind: 'scale', delta: 1 }],
  ['SIGTTOU', { kind: 'scale', delta: -1 }],
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
