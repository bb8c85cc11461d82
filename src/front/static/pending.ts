// What a static request needs while it waits for the file system: whether its client is
// still there, and one way to continue or to fail.

import { log } from '../../log.ts';
import { sendError } from '../error-response.ts';
import type { ClientRequest, ResponseOwner } from '../request.ts';

/** The request's owner while lookups run: notes that the client went away. */
export class Watch implements ResponseOwner {
  gone = false;
  onClientClose(): void {
    this.gone = true;
  }
}

/** `then` at once for a value, or when a promise settles (unless the client has gone). */
export function after<T>(value: T | Promise<T>, request: ClientRequest, watch: Watch, then: (v: T) => void): void {
  if (!(value instanceof Promise)) {
    then(value);
    return;
  }
  value.then(
    (v) => {
      if (!watch.gone) then(v);
    },
    (error: unknown) => failed(request, error),
  );
}

/** An unexpected error while serving a file: logged, and 500 (or a cut response once started). */
export function failed(request: ClientRequest, error: unknown): void {
  log.error(`static file ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  sendError(request, 500, 'the file could not be read');
}
