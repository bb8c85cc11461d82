// HTTP/2 frames written by hand, for hostile clients in tests: floods and abuse that
// well-behaved clients (node:http2, curl) never send. Header blocks use HPACK literals
// without indexing or Huffman coding (RFC 7541 6.2.2), which every decoder must accept.

import net from 'node:net';

export const frameType = { data: 0, headers: 1, rstStream: 3, settings: 4, ping: 6, goaway: 7, windowUpdate: 8, continuation: 9 } as const;
export const flag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4 } as const;
export const errorCode = { noError: 0, protocol: 1, internal: 2, refusedStream: 7, cancel: 8, enhanceYourCalm: 11 } as const;

export const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

export function settings(entries: Array<[number, number]> = []): Buffer {
  const payload = Buffer.alloc(entries.length * 6);
  entries.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(frameType.settings, 0, 0, payload);
}

export const settingsAck = (): Buffer => frame(frameType.settings, flag.ack, 0);

export function ping(data = 0): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(data >>> 0, 4);
  return frame(frameType.ping, 0, 0, payload);
}

export function rstStream(stream: number, code: number = errorCode.cancel): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code, 0);
  return frame(frameType.rstStream, 0, stream, payload);
}

// RFC 7541 5.1: an integer with an N-bit prefix.
function hpackInteger(value: number, prefixBits: number, firstByte: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [firstByte | value];
  const bytes = [firstByte | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function hpackString(text: string): Buffer {
  const data = Buffer.from(text, 'latin1');
  return Buffer.concat([Buffer.from(hpackInteger(data.length, 7, 0)), data]);
}

/** A header block of literals without indexing: [name, value] pairs, pseudo-headers first. */
export function headerBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0]), hpackString(name), hpackString(value)]));
}

/** HEADERS (and CONTINUATION frames when the block is larger than `maxFrame`). */
export function headers(stream: number, fields: ReadonlyArray<readonly [string, string]>, endStream: boolean, maxFrame = 16384): Buffer {
  const block = headerBlock(fields);
  const pieces: Buffer[] = [];
  for (let at = 0; at < block.length; at += maxFrame) pieces.push(block.subarray(at, at + maxFrame));
  if (pieces.length === 0) pieces.push(block);
  return Buffer.concat(
    pieces.map((piece, i) =>
      frame(
        i === 0 ? frameType.headers : frameType.continuation,
        (i === pieces.length - 1 ? flag.endHeaders : 0) | (i === 0 && endStream ? flag.endStream : 0),
        stream,
        piece,
      ),
    ),
  );
}

/** The fields of a simple GET. */
export function get(path: string, authority = 'localhost', scheme = 'http'): Array<[string, string]> {
  return [
    [':method', 'GET'],
    [':scheme', scheme],
    [':authority', authority],
    [':path', path],
  ];
}

export type Frame = { type: number; flags: number; stream: number; payload: Buffer };

/** Whole frames at the start of `data`, and how many bytes they took. */
export function parseFrames(data: Buffer): { frames: Frame[]; used: number } {
  const frames: Frame[] = [];
  let at = 0;
  while (data.length - at >= 9) {
    const length = data.readUIntBE(at, 3);
    if (data.length - at < 9 + length) break;
    frames.push({ type: data[at + 3] as number, flags: data[at + 4] as number, stream: data.readUInt32BE(at + 5) & 0x7fffffff, payload: data.subarray(at + 9, at + 9 + length) });
    at += 9 + length;
  }
  return { frames, used: at };
}

/** A raw HTTP/2 (cleartext, prior knowledge) client connection: what it sends is up to the test. */
export type RawH2 = {
  socket: net.Socket;
  /** Every frame received so far. */
  frames: Frame[];
  write: (data: Buffer) => boolean;
  /** Resolves when the server has closed the connection (rejects after `timeoutMs`). */
  closed: (timeoutMs?: number) => Promise<void>;
  isClosed: () => boolean;
  /** The GOAWAY received, if any: its error code. */
  goawayCode: () => number | null;
  /** Stream ids the server reset, with their codes. */
  resets: () => Map<number, number>;
  destroy: () => void;
};

/** Connects, sends the preface and an empty SETTINGS; `read: false` leaves what the server sends unread. */
export async function rawH2(host: string, port: number, read = true): Promise<RawH2> {
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const frames: Frame[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let closed = false;
  const waiters = new Set<() => void>();
  socket.on('close', () => {
    closed = true;
    for (const w of waiters) w();
  });
  if (read) {
    socket.on('data', (d: Buffer) => {
      pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
      const { frames: got, used } = parseFrames(pending);
      pending = pending.subarray(used);
      for (const f of got) {
        frames.push(f);
        // A client acknowledges the server's SETTINGS, as any would.
        if (f.type === frameType.settings && (f.flags & flag.ack) === 0 && !socket.destroyed) socket.write(settingsAck());
      }
    });
  } else socket.pause();
  socket.write(Buffer.concat([preface, settings()]));
  return {
    socket,
    frames,
    write: (data) => (socket.destroyed ? false : socket.write(data)),
    closed: (timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(done);
          reject(new Error(`the server did not close the connection within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        waiters.add(done);
      }),
    isClosed: () => closed,
    goawayCode: () => {
      const goaway = frames.find((f) => f.type === frameType.goaway);
      return goaway === undefined ? null : goaway.payload.readUInt32BE(4);
    },
    resets: () => new Map(frames.filter((f) => f.type === frameType.rstStream).map((f) => [f.stream, f.payload.readUInt32BE(0)])),
    destroy: () => socket.destroy(),
  };
}
