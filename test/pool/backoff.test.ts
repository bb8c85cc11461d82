// Restart backoff: workers that keep dying young are restarted ever more slowly, never in a
// tight loop; one that lived a while resets the count.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../src/master/backoff.ts';

test('repeated young failures double the wait up to 10 s; the first is restarted at once', () => {
  const backoff = new Backoff();
  const delays = Array.from({ length: 10 }, () => backoff.failed('app', 0).delayMs);
  assert.deepEqual(delays, [0, 100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
  assert.equal(backoff.mayStart('app'), false);
  assert.equal(backoff.mayStart('other'), true, 'apps back off independently');
});

test('a worker that served for a while before dying resets the count', () => {
  const backoff = new Backoff();
  backoff.failed('app', 0);
  backoff.failed('app', 0);
  const longAgo = Date.now() - 60_000;
  assert.deepEqual(backoff.failed('app', longAgo), { failures: 1, delayMs: 0 });
  assert.equal(backoff.mayStart('app'), true);
});
