// Accept-Encoding negotiation, media types and the buffer encoder, as plain functions: a
// table of the header values clients send (and some they should not).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { acceptEncodingOf, chooseEncoding } from '../../src/front/compress/accept-encoding.ts';
import type { EncodingOffer } from '../../src/front/compress/accept-encoding.ts';
import { isCompressible, mediaType } from '../../src/front/compress/compressible.ts';
import { compressBuffer } from '../../src/front/compress/encoder.ts';
import { compressionSettings, offerFor } from '../../src/front/compress/settings.ts';
import type { CompressionConfig } from '../../src/config/types.ts';

const both: EncodingOffer = { br: true, gzip: true };
const gzipOnly: EncodingOffer = { br: false, gzip: true };
const brOnly: EncodingOffer = { br: true, gzip: false };

const cases: Array<[string | undefined, EncodingOffer, 'br' | 'gzip' | null]> = [
  // absent or empty: identity
  [undefined, both, null],
  ['', both, null],
  ['   ', both, null],
  // what browsers and tools send
  ['gzip, deflate, br, zstd', both, 'br'],
  ['gzip, deflate, br', gzipOnly, 'gzip'],
  ['gzip, deflate', both, 'gzip'],
  ['deflate, gzip;q=1.0, *;q=0.5', both, 'gzip'],
  ['br', gzipOnly, null],
  ['gzip', brOnly, null],
  // br over gzip at equal q, whatever the order
  ['gzip, br', both, 'br'],
  ['gzip;q=0.5, br;q=0.5', both, 'br'],
  // the higher q wins
  ['br;q=0.5, gzip', both, 'gzip'],
  ['br;q=0.9, gzip;q=0.8', both, 'br'],
  [' gzip ; q = 0.8 , br ; q=0.9 ', both, 'br'],
  ['gzip;Q=0.7,br;q=0.6', both, 'gzip'],
  // names are case-insensitive; x-gzip is gzip
  ['GZIP', both, 'gzip'],
  ['Br', both, 'br'],
  ['x-gzip', both, 'gzip'],
  // q=0 refuses
  ['gzip;q=0', both, null],
  ['gzip; q=0.000', both, null],
  ['gzip;q=0.001', both, 'gzip'],
  ['br;q=0, gzip', both, 'gzip'],
  ['gzip;q=1.000', both, 'gzip'],
  // malformed q refuses the coding (nginx; Node's negotiator for non-numbers)
  ['gzip;q=abc', both, null],
  ['gzip;q=2', both, null],
  ['gzip;q=1.5', both, null],
  ['gzip;q=.5', both, null],
  ['gzip;q=0.1234', both, null],
  ['gzip;q=1.0001', both, null],
  ['gzip;q=', both, null],
  ['br;q=x, gzip', both, 'gzip'],
  // other parameters are ignored
  ['gzip;level=1', both, 'gzip'],
  ['gzip;level=1;q=0', both, null],
  // `*` stands for the codings not named
  ['*', both, 'br'],
  ['*', gzipOnly, 'gzip'],
  ['*;q=0', both, null],
  ['*, br;q=0', both, 'gzip'],
  ['gzip;q=0, *', both, 'br'],
  ['gzip;q=0, *', gzipOnly, null],
  ['br;q=0.2, *;q=0.5', both, 'gzip'],
  // identity: preferred over a lower-q coding; alone, or refused, it changes nothing else
  ['identity', both, null],
  ['identity;q=1, gzip;q=0.5', both, null],
  ['identity;q=0.5, gzip', both, 'gzip'],
  ['identity, gzip', both, 'gzip'],
  ['identity;q=0, gzip', both, 'gzip'],
  // unknown codings, near misses, stray commas
  ['deflate', both, null],
  ['compress, zstd', both, null],
  ['gzipx, brotli', both, null],
  [',, gzip ,', both, 'gzip'],
  // a coding named twice keeps its highest q
  ['gzip;q=0, gzip', both, 'gzip'],
  // nothing offered
  ['gzip, br', { br: false, gzip: false }, null],
];

test('chooseEncoding: a table of Accept-Encoding values', () => {
  const wrong: string[] = [];
  for (const [header, offer, expected] of cases) {
    const got = chooseEncoding(header, offer);
    if (got !== expected) wrong.push(`${JSON.stringify(header)} offer ${JSON.stringify(offer)}: got ${got}, expected ${expected}`);
  }
  assert.deepEqual(wrong, []);
});

test('acceptEncodingOf joins repeated fields, any case', () => {
  assert.equal(acceptEncodingOf(['Host', 'x', 'Accept-Encoding', 'gzip;q=0', 'accept-encoding', 'br']), 'gzip;q=0, br');
  assert.equal(acceptEncodingOf(['Host', 'x']), undefined);
  assert.equal(chooseEncoding(acceptEncodingOf(['ACCEPT-ENCODING', 'gzip;q=0', 'accept-encoding', 'br']), both), 'br');
});

test('isCompressible: the media type without parameters, any case; * matches all', () => {
  const types = new Set(['text/html', 'application/json']);
  assert.equal(mediaType(' Text/HTML ; charset=UTF-8'), 'text/html');
  assert.equal(isCompressible('text/html; charset=utf-8', types), true);
  assert.equal(isCompressible('TEXT/HTML', types), true);
  assert.equal(isCompressible(' application/json ', types), true);
  assert.equal(isCompressible('application/json-seq', types), false);
  assert.equal(isCompressible('image/png', types), false);
  assert.equal(isCompressible('', types), false);
  assert.equal(isCompressible('image/png', new Set(['*'])), true);
  assert.equal(isCompressible('', new Set(['*'])), true);
});

const config: CompressionConfig = {
  gzip: true,
  gzipTypes: ['application/json'],
  gzipMinLength: 100,
  gzipCompLevel: 6,
  brotli: false,
  brotliTypes: ['*'],
  brotliMinLength: 20,
  brotliCompLevel: 4,
};

test('compressionSettings: off is null; text/html is always a type; offers follow type and length', () => {
  assert.equal(compressionSettings({ ...config, gzip: false }), null);
  const settings = compressionSettings(config);
  assert.ok(settings !== null);
  assert.equal(settings.br, null);
  assert.deepEqual([...(settings.gzip?.types ?? [])].sort(), ['application/json', 'text/html']);
  assert.deepEqual(offerFor(settings, 'text/html', 100), { br: false, gzip: true });
  assert.deepEqual(offerFor(settings, 'text/html', 99), { br: false, gzip: false });
  assert.deepEqual(offerFor(settings, 'text/html', -1), { br: false, gzip: true });
  assert.deepEqual(offerFor(settings, 'text/css', 1000), { br: false, gzip: false });
  const withBrotli = compressionSettings({ ...config, brotli: true });
  assert.deepEqual(withBrotli && offerFor(withBrotli, 'image/png', 50), { br: true, gzip: false });
});

test('compressBuffer: gzip and brotli bodies decode to the original, small and large', async () => {
  const text = Buffer.from('<p>edge compresses this text; '.repeat(40_000));
  for (const body of [Buffer.from('x'), Buffer.alloc(0), text.subarray(0, 1000), text]) {
    for (const level of [1, 9]) {
      const gz = await compressBuffer(body, 'gzip', level);
      assert.deepEqual(zlib.gunzipSync(gz), body);
    }
    for (const level of [0, 4, 11]) {
      const br = await compressBuffer(body, 'br', level);
      assert.deepEqual(zlib.brotliDecompressSync(br), body);
    }
  }
  // The levels are applied: 9 is smaller than 1 on text.
  assert.ok((await compressBuffer(text, 'gzip', 9)).length < (await compressBuffer(text, 'gzip', 1)).length);
  assert.ok((await compressBuffer(text, 'br', 9)).length < (await compressBuffer(text, 'br', 0)).length);
});
