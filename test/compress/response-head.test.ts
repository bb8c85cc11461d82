// The compression filter's reading and rewriting of response heads, as `name: value\r\n`
// lines in any case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressedHead, compressibleStatus, readHead, withVary } from '../../src/front/compress/response-head.ts';

const lines = (...l: string[]): string => l.map((x) => `${x}\r\n`).join('');

test('readHead: type, length, encoding, range, no-transform', () => {
  assert.deepEqual(readHead(lines('Content-Type: text/html; charset=utf-8', 'Content-Length: 1234', 'X-A: b')), {
    contentType: 'text/html; charset=utf-8',
    contentLength: 1234,
    encoded: false,
    ranged: false,
    noTransform: false,
  });
  const other = readHead(lines('content-encoding: gzip', 'CONTENT-RANGE: bytes 0-1/2', 'cache-control: public,No-Transform', 'content-length: x'));
  assert.deepEqual(other, { contentType: '', contentLength: -1, encoded: true, ranged: true, noTransform: true });
  assert.equal(readHead(lines('cache-control: no-transformed')).noTransform, false);
  assert.equal(readHead(lines('cache-control: max-age=1, no-transform')).noTransform, true);
  assert.equal(readHead(lines('content-encoding: ')).encoded, false);
});

test('compressibleStatus: 200, 403 and 404, as nginx', () => {
  assert.deepEqual([200, 201, 204, 206, 301, 304, 403, 404, 500].filter(compressibleStatus), [200, 403, 404]);
});

test('withVary: added, extended, or left when it names Accept-Encoding or is *', () => {
  assert.equal(withVary(lines('content-type: text/html')), lines('content-type: text/html', 'vary: Accept-Encoding'));
  assert.equal(withVary(lines('Vary: Origin', 'x: y')), lines('Vary: Origin, Accept-Encoding', 'x: y'));
  assert.equal(withVary(lines('Vary: Origin,Cookie', 'vary: User-Agent')), lines('Vary: Origin,Cookie, Accept-Encoding', 'vary: User-Agent'));
  assert.equal(withVary(lines('Vary:')), lines('Vary: Accept-Encoding'));
  for (const same of [lines('vary: accept-encoding'), lines('Vary: Origin, Accept-Encoding'), lines('vary: *'), lines('vary: Origin', 'vary: Accept-Encoding')]) {
    assert.equal(withVary(same), same);
  }
  // A name that merely contains it does not count.
  assert.equal(withVary(lines('vary: x-accept-encoding')), lines('vary: x-accept-encoding, Accept-Encoding'));
});

test('compressedHead: no Content-Length, the coding, Vary, the ETag weak', () => {
  assert.equal(
    compressedHead(lines('Content-Type: text/html', 'Content-Length: 100', 'ETag: "abc"', 'Vary: Origin'), 'br'),
    lines('Content-Type: text/html', 'ETag: W/"abc"', 'Vary: Origin, Accept-Encoding', 'content-encoding: br'),
  );
  assert.equal(compressedHead(lines('etag: W/"x"'), 'gzip'), lines('etag: W/"x"', 'content-encoding: gzip', 'vary: Accept-Encoding'));
  // An ETag that is not a quoted string is dropped, as nginx does.
  assert.equal(compressedHead(lines('etag: abc', 'x: 1'), 'gzip'), lines('x: 1', 'content-encoding: gzip', 'vary: Accept-Encoding'));
});
