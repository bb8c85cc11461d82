// Sending a file's bytes from an open descriptor: read in 256 KiB chunks into buffers from a
// small shared pool, written with backpressure (a chunk the channel could not take at once
// waits for its drain). A buffer goes back to the pool only after a drain, when the channel
// holds no reference to it any more. A file that shrinks or changes while it is sent ends
// the response cut short (channel.abort()), never with bytes of two versions; one renamed or
// deleted meanwhile is sent whole, from the inode that was opened. The descriptor is always
// closed: at the end, on an error, and when the client goes away.

import fs from 'node:fs';
import type { ClientRequest, ResponseOwner } from '../request.ts';
import type { FileStat } from './file-info.ts';

export const chunkSize = 256 * 1024;

// 16 × 256 KiB: enough for the transfers in flight at once on a busy front; more are
// allocated when needed and left to the collector.
const poolLimit = 16;
const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(chunkSize);
}

function releaseBuffers(buffers: Buffer[]): void {
  for (const b of buffers) if (pool.length < poolLimit) pool.push(b);
  buffers.length = 0;
}

/** Bytes already in memory (multipart heads), or an inclusive byte range of the file. */
export type Segment = Buffer | { start: number; end: number };

// A change is looked for after every few reads, and always after the last one, before it is
// written: then no response that looks complete can hold bytes of two versions.
const checkEvery = 4;

export class FileTransfer implements ResponseOwner {
  readonly #request: ClientRequest;
  readonly #fd: number;
  readonly #stat: FileStat;
  readonly #segments: readonly Segment[];
  readonly #lastFileSegment: number;
  #index = 0;
  #position = -1;
  #reads = 0;
  /** A read or fstat is running: the descriptor is closed when it returns. */
  #busy = false;
  #gone = false;
  #open = true;
  readonly #inFlight: Buffer[] = [];

  constructor(request: ClientRequest, fd: number, stat: FileStat, segments: readonly Segment[]) {
    this.#request = request;
    this.#fd = fd;
    this.#stat = stat;
    this.#segments = segments;
    let last = -1;
    segments.forEach((s, i) => {
      if (!Buffer.isBuffer(s)) last = i;
    });
    this.#lastFileSegment = last;
  }

  /** Call after the head is written. */
  start(): void {
    this.#request.owner = this;
    this.#next();
  }

  onClientClose(): void {
    this.#gone = true;
    if (!this.#busy) this.#close();
  }

  #next(): void {
    const channel = this.#request.channel;
    for (;;) {
      if (this.#gone) {
        this.#close();
        return;
      }
      const segment = this.#segments[this.#index];
      if (segment === undefined) {
        this.#close();
        channel.endResponse(this.#request);
        return;
      }
      if (Buffer.isBuffer(segment)) {
        this.#index++;
        if (!channel.writeBody(segment)) {
          channel.onDrain(this.#onDrain);
          return;
        }
        continue;
      }
      if (this.#position === -1) this.#position = segment.start;
      const remaining = segment.end + 1 - this.#position;
      if (remaining <= 0) {
        this.#index++;
        this.#position = -1;
        continue;
      }
      const length = Math.min(chunkSize, remaining);
      const buffer = takeBuffer();
      this.#busy = true;
      fs.read(this.#fd, buffer, 0, length, this.#position, (error, n) => this.#onRead(error, n, buffer, length));
      return;
    }
  }

  #onRead(error: Error | null, n: number, buffer: Buffer, length: number): void {
    this.#busy = false;
    if (this.#gone) {
      releaseBuffers([buffer]);
      this.#close();
      return;
    }
    // Short: the file was truncated under us.
    if (error !== null || n !== length) {
      releaseBuffers([buffer]);
      this.#abort();
      return;
    }
    this.#position += n;
    this.#reads++;
    const segment = this.#segments[this.#index] as { start: number; end: number };
    const lastRead = this.#index === this.#lastFileSegment && this.#position === segment.end + 1;
    if (!lastRead && this.#reads % checkEvery !== 0) {
      this.#write(buffer, n);
      return;
    }
    this.#busy = true;
    fs.fstat(this.#fd, (statError, s) => {
      this.#busy = false;
      if (this.#gone) {
        releaseBuffers([buffer]);
        this.#close();
        return;
      }
      if (statError !== null || s.size !== this.#stat.size || s.mtimeMs !== this.#stat.mtimeMs) {
        releaseBuffers([buffer]);
        this.#abort();
        return;
      }
      this.#write(buffer, n);
    });
  }

  #write(buffer: Buffer, n: number): void {
    const channel = this.#request.channel;
    this.#inFlight.push(buffer);
    if (!channel.writeBody(n === buffer.length ? buffer : buffer.subarray(0, n))) {
      channel.onDrain(this.#onDrain);
      return;
    }
    // Taken at once (the usual case while the client keeps up): the buffer is free again, so a
    // transfer cycles through one or two of them instead of allocating one per chunk.
    if (channel.drained) releaseBuffers(this.#inFlight);
    this.#next();
  }

  readonly #onDrain = (): void => {
    // Everything written so far has left: its buffers may be read into again.
    releaseBuffers(this.#inFlight);
    this.#next();
  };

  #abort(): void {
    this.#close();
    this.#gone = true;
    this.#request.channel.abort();
  }

  #close(): void {
    if (!this.#open) return;
    this.#open = false;
    fs.close(this.#fd, () => {});
  }
}
