// A client that writes exact bytes and reads exactly what comes back, for tests of the
// front's HTTP/1.x framing (pipelining, chunked coding, HTTP/1.0, bad requests) that
// well-behaved clients never show.

import net from 'node:net';

export type RawConnection = {
  /** Everything received so far, as latin1 text. */
  text: () => string;
  write: (data: string | Buffer) => void;
  /** Half-closes our side. */
  end: () => void;
  /** Resolves once `pattern` is in what was received (rejects after `timeoutMs`). */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  /** Resolves with everything received once the server closes the connection. */
  closed: (timeoutMs?: number) => Promise<string>;
  isClosed: () => boolean;
  destroy: () => void;
};

export async function rawConnect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let received = '';
  let closed = false;
  const waiters = new Set<() => void>();
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
    for (const w of waiters) w();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    for (const w of waiters) w();
  });
  const wait = (done: () => boolean, what: string, timeoutMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(received);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what} within ${timeoutMs} ms; received so far:\n${received}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    text: () => received,
    write: (data) => socket.write(data),
    end: () => socket.end(),
    waitFor: (pattern, timeoutMs = 5000) => wait(() => pattern.test(received), `no ${pattern}`, timeoutMs),
    closed: (timeoutMs = 5000) => wait(() => closed, 'the server did not close the connection', timeoutMs),
    isClosed: () => closed,
    destroy: () => socket.destroy(),
  };
}

/** Sends `request` on a new connection and returns all that comes back until the server closes. */
export async function rawRequest(url: string, request: string | Buffer, timeoutMs = 5000): Promise<string> {
  const connection = await rawConnect(url);
  try {
    connection.write(request);
    return await connection.closed(timeoutMs);
  } finally {
    connection.destroy();
  }
}

/** Splits what a connection received into responses: status line, headers (lower-case names), body. */
export type RawResponse = { status: number; headers: Map<string, string>; body: string };

export function headOf(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end === -1 ? text.length : end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status, headers, body: end === -1 ? '' : text.slice(end + 4) };
}
