// Precompressed siblings (gzip_static, brotli_static) and on-the-fly compression of static
// files: which representation each Accept-Encoding gets (br preferred, gz, none, q=0), the
// original Content-Type, Vary, weak ETags for compressed variants, ranges never compressed,
// and large files compressed as they stream.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { get, startSite } from './helpers.ts';
import type { StaticEdge } from './helpers.ts';

const script = `${'const answer = 42; // a line of JavaScript that compresses well\n'.repeat(40)}`;
// Marks in the siblings prove which file was sent (they are not the compressed script).
const gzSibling = gzipSync(Buffer.from('from the .gz sibling\n'));
const brSibling = brotliCompressSync(Buffer.from('from the .br sibling\n'));
const large = Buffer.from('large text that compresses well, line after line after line\n'.repeat(2000));
let site: StaticEdge;

before(async () => {
  site = await startSite(
    'edge-static-compression-',
    {
      'public/app.js': script,
      'public/app.js.gz': gzSibling,
      'public/app.js.br': brSibling,
      'public/only-gz.css': 'body{}\n',
      'public/only-gz.css.gz': gzipSync(Buffer.from('gz of css\n')),
      'public/plain.js': script,
      'public/logo.png': Buffer.alloc(4000, 1),
      'public/large.txt': large,
    },
    `workers 1;
app { module app.cjs; }
server {
    listen 127.0.0.1:0;
    root public;
    location / { gzip_static on; brotli_static on; }
    location /gz-only/ { alias public/; gzip_static on; }
    location /fly/ { alias public/; gzip on; brotli on; }
    location /fly-large/ { alias public/; gzip on; open_file_cache_max_body 16k; }
}
`,
  );
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

describe('precompressed siblings', () => {
  const cases: Array<[string, string, string | null]> = [
    ['br and gzip accepted: br', 'gzip, deflate, br', 'br'],
    ['gzip only: gz', 'gzip', 'gzip'],
    ['x-gzip is gzip', 'x-gzip', 'gzip'],
    ['gzip preferred by q: gz', 'br;q=0.5, gzip', 'gzip'],
    ['br refused with q=0: gz', 'br;q=0, gzip', 'gzip'],
    ['both refused: the file', 'br;q=0, gzip;q=0', null],
    ['identity only: the file', 'identity', null],
    ['* : br', '*', 'br'],
    ['no Accept-Encoding: the file', '', null],
  ];
  for (const [name, accept, encoding] of cases) {
    test(name, async () => {
      const got = await get(`${site.url}/app.js`, accept === '' ? {} : { 'accept-encoding': accept });
      assert.equal(got.status, 200);
      assert.equal(got.headers['content-type'], 'text/javascript; charset=utf-8', 'the original type');
      assert.equal(got.headers.vary, 'Accept-Encoding');
      assert.equal(got.headers['content-encoding'], encoding ?? undefined);
      if (encoding === 'br') {
        assert.equal(brotliDecompressSync(got.body).toString(), 'from the .br sibling\n');
        assert.equal(got.headers['content-length'], String(brSibling.length));
      } else if (encoding === 'gzip') {
        assert.equal(gunzipSync(got.body).toString(), 'from the .gz sibling\n');
      } else {
        assert.equal(got.text, script);
      }
    });
  }

  test('each representation has its own ETag, and 304 works per representation', async () => {
    const br = await get(`${site.url}/app.js`, { 'accept-encoding': 'br' });
    const plain = await get(`${site.url}/app.js`);
    assert.notEqual(br.headers.etag, plain.headers.etag);
    assert.equal((await get(`${site.url}/app.js`, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag ?? '' })).status, 304);
    assert.equal((await get(`${site.url}/app.js`, { 'accept-encoding': 'br', 'if-none-match': plain.headers.etag ?? '' })).status, 200);
  });

  test('a range of a sibling is a range of the compressed bytes', async () => {
    const got = await get(`${site.url}/app.js`, { 'accept-encoding': 'gzip', range: 'bytes=0-1' });
    assert.equal(got.status, 206);
    assert.equal(got.headers['content-encoding'], 'gzip');
    assert.deepEqual([...got.body], [0x1f, 0x8b]);
  });

  test('only gzip_static on: the .br is not looked at', async () => {
    const got = await get(`${site.url}/gz-only/app.js`, { 'accept-encoding': 'br, gzip' });
    assert.equal(got.headers['content-encoding'], 'gzip');
  });

  test('a file with only a .gz, client accepts only br: the file, with Vary', async () => {
    const got = await get(`${site.url}/only-gz.css`, { 'accept-encoding': 'br' });
    assert.equal(got.headers['content-encoding'], undefined);
    assert.equal(got.text, 'body{}\n');
    assert.equal(got.headers.vary, 'Accept-Encoding');
  });

  test('a file without siblings: no Vary, no encoding', async () => {
    const got = await get(`${site.url}/plain.js`, { 'accept-encoding': 'br, gzip' });
    assert.equal(got.headers['content-encoding'], undefined);
    assert.equal(got.headers.vary, undefined);
  });
});

describe('on the fly', () => {
  test('br and gzip of a cached file: weak ETag, no Accept-Ranges, the same bytes each time', async () => {
    const br = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'gzip, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), script);
    assert.equal(br.headers['content-length'], String(br.body.length));
    assert.match(br.headers.etag ?? '', /^W\/"/);
    assert.equal(br.headers['accept-ranges'], undefined);
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
    const again = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'br' });
    assert.deepEqual(again.body, br.body);
    const gz = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), script);
  });

  test('the weak ETag revalidates', async () => {
    const br = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'br' });
    const got = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag ?? '' });
    assert.equal(got.status, 304);
    assert.equal(got.headers.etag, br.headers.etag);
  });

  test('not accepted: the file, with Vary and its strong ETag', async () => {
    const got = await get(`${site.url}/fly/plain.js`);
    assert.equal(got.headers['content-encoding'], undefined);
    assert.equal(got.headers.vary, 'Accept-Encoding');
    assert.match(got.headers.etag ?? '', /^"/);
    assert.equal(got.text, script);
  });

  test('a range is never compressed', async () => {
    const got = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'br, gzip', range: 'bytes=0-4' });
    assert.equal(got.status, 206);
    assert.equal(got.headers['content-encoding'], undefined);
    assert.equal(got.text, 'const');
  });

  test('HEAD and HTTP/1.0 get the file as it is', async () => {
    const head = await get(`${site.url}/fly/plain.js`, { 'accept-encoding': 'br' }, 'HEAD');
    assert.equal(head.headers['content-encoding'], undefined);
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(script)));
  });

  test('a type that is not compressible: as it is, no Vary', async () => {
    const got = await get(`${site.url}/fly/logo.png`, { 'accept-encoding': 'br, gzip' });
    assert.equal(got.headers['content-encoding'], undefined);
    assert.equal(got.headers.vary, undefined);
  });

  test('a file larger than open_file_cache_max_body is compressed as it streams', async () => {
    const got = await get(`${site.url}/fly-large/large.txt`, { 'accept-encoding': 'gzip' });
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-encoding'], 'gzip');
    assert.equal(got.headers['content-length'], undefined);
    assert.match(got.headers.etag ?? '', /^W\//);
    assert.deepEqual(gunzipSync(got.body), large);
    assert.ok(got.body.length < large.length / 10);
    const plain = await get(`${site.url}/fly-large/large.txt`);
    assert.deepEqual(plain.body, large);
    assert.equal(plain.headers.vary, 'Accept-Encoding');
  });
});
