// Restart backoff per app: a worker that dies young makes the next start wait longer
// (100 ms doubling to 10 s); one that lived a while resets the count.

const maxDelayMs = 10_000;
/** A worker that lived this long before dying resets its app's backoff. */
const stableAfterMs = 10_000;

export class Backoff {
  #failures = new Map<string, number>();
  #notBefore = new Map<string, number>();

  /** Records a failed worker of `app` that was ready since `readyAt` (0: never); returns the delay set. */
  failed(app: string, readyAt: number): { failures: number; delayMs: number } {
    const lived = readyAt > 0 ? Date.now() - readyAt : 0;
    const failures = lived >= stableAfterMs ? 1 : (this.#failures.get(app) ?? 0) + 1;
    this.#failures.set(app, failures);
    const delayMs = failures <= 1 ? 0 : Math.min(maxDelayMs, 100 * 2 ** (failures - 2));
    this.#notBefore.set(app, Date.now() + delayMs);
    return { failures, delayMs };
  }

  mayStart(app: string): boolean {
    return Date.now() >= (this.#notBefore.get(app) ?? 0);
  }
}
