// One keep-alive connection from the front to an app worker's Unix socket, carrying one
// request at a time. The response is parsed with llhttp and handed to the exchange that owns
// the connection; a connection whose response said keep-alive goes back to its upstream's
// idle list, any other is closed.

import net from 'node:net';
import { consumeSocket, createParser, freeParser } from './http-parser.ts';
import type { HeadInfo, ParseError, Parser, ReadControl } from './http-parser.ts';

/** What a worker connection reports to the exchange using it. */
export type ResponseReader = {
  readonly method: string;
  /** Whether the whole request (body included) has been written to the worker. */
  readonly requestSent: boolean;
  onResponseHead: (status: number, reason: string, headers: string[]) => void;
  onResponseData: (chunk: Buffer) => void;
  onResponseEnd: () => void;
  /** The connection failed; `responded` says whether any of the response had arrived. */
  onUpstreamError: (reason: 'closed' | 'protocol', responded: boolean) => void;
  /** The worker can take more of the request body. */
  onUpstreamDrain: () => void;
  /** Hold writes to the client from the response head to the end of that read. */
  cork: () => void;
  uncork: () => void;
};

export type ConnectionPool = {
  release: (connection: WorkerConnection) => void;
  forget: (connection: WorkerConnection) => void;
};

export class WorkerConnection {
  readonly socket: net.Socket;
  reader: ResponseReader | null = null;
  readonly #pool: ConnectionPool;
  readonly #parser: Parser;
  readonly #reading: ReadControl;
  #keepAlive = false;
  #informational = false;
  #responded = false;
  #corked: ResponseReader | null = null;
  #paused = false;

  constructor(socketPath: string, pool: ConnectionPool) {
    this.#pool = pool;
    this.#parser = createParser('response', 0, {
      onHead: (head) => this.#onHead(head),
      onBody: (chunk) => this.reader?.onResponseData(chunk),
      onComplete: () => this.#onComplete(),
    });
    const socket = net.connect(socketPath);
    this.socket = socket;
    socket.on('end', () => this.#onEnd());
    socket.on('drain', () => this.reader?.onUpstreamDrain());
    socket.on('error', () => {});
    socket.on('close', () => this.#onClose());
    this.#reading = consumeSocket(this.#parser, socket, (result) => this.#onRead(result));
  }

  /** The client is slow: stop reading the response until it catches up. */
  pauseReading(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#reading.pause();
  }

  resumeReading(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#reading.resume();
  }

  /** Sends a request head; the reader gets the response. */
  send(reader: ResponseReader, head: string): boolean {
    this.reader = reader;
    this.#responded = false;
    return this.socket.write(head, 'latin1');
  }

  write(data: Buffer | string): boolean {
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  /** Abandons the request in progress: the worker sees the connection close. */
  destroy(): void {
    this.reader = null;
    this.socket.destroy();
  }

  #onRead(result: number | ParseError): void {
    // The client's writes were held since the head: what this read brought leaves at once.
    const corked = this.#corked;
    this.#corked = null;
    corked?.uncork();
    if (typeof result !== 'number' && this.reader !== null) this.#fail('protocol');
  }

  #onHead(head: HeadInfo): number {
    // 1xx (103 Early Hints, a 100 the app sent itself) are not passed on; the final
    // response follows on the same connection.
    this.#informational = head.statusCode < 200;
    if (this.#informational) return 0;
    this.#keepAlive = head.shouldKeepAlive;
    this.#responded = true;
    const reader = this.reader;
    if (reader === null) {
      // A response nobody asked for: the connection is out of step with the worker.
      this.socket.destroy();
      return 0;
    }
    if (this.#corked === null) {
      reader.cork();
      this.#corked = reader;
    }
    reader.onResponseHead(head.statusCode, head.statusMessage, head.headers);
    return reader.method === 'HEAD' ? 1 : 0;
  }

  #onComplete(): void {
    if (this.#informational) {
      this.#informational = false;
      return;
    }
    const reader = this.reader;
    if (reader === null) return;
    this.reader = null;
    // The response may have ended in the read that found the client slow: the rest of it is
    // the client's socket's to deliver, and the next response must be read.
    this.resumeReading();
    // Back in the pool first: the reader's end may hand the connection the next request.
    // Not if the app answered before the whole body was sent: the worker still expects the
    // rest, and the next request would be read as body.
    if (this.#keepAlive && reader.requestSent) this.#pool.release(this);
    else this.socket.destroy();
    reader.onResponseEnd();
  }

  #onEnd(): void {
    // A response without a length ends with the connection.
    if (this.reader !== null && this.#responded) this.#parser.finish();
    if (this.reader !== null) this.#fail('closed');
    this.socket.end();
  }

  #onClose(): void {
    this.#pool.forget(this);
    if (this.reader !== null) this.#fail('closed');
    freeParser(this.#parser);
  }

  #fail(reason: 'closed' | 'protocol'): void {
    const reader = this.reader;
    this.reader = null;
    this.socket.destroy();
    reader?.onUpstreamError(reason, this.#responded);
  }
}
