// The conditional and range matrix on a static file: If-None-Match / If-Modified-Since
// (304), If-Match / If-Unmodified-Since (412), If-Range, single, suffix, open-ended,
// multiple (multipart/byteranges, parsed back) and unsatisfiable ranges, and HEAD. One
// named case per row; each row is sent on its own request with exactly its headers.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { get, startSite } from './helpers.ts';
import type { Got, StaticEdge } from './helpers.ts';

// 1000 bytes, each position recognisable.
const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => String.fromCharCode(33 + (i % 90))).join(''), 'latin1');
let site: StaticEdge;
let etag = '';
let lastModified = '';

before(async () => {
  site = await startSite('edge-conditional-', { 'public/file.txt': content }, 'workers 1;\napp { module app.cjs; }\nserver {\n    listen 127.0.0.1:0;\n    root public;\n    location / { }\n}\n');
  const head = await get(`${site.url}/file.txt`, {}, 'HEAD');
  etag = head.headers.etag ?? '';
  lastModified = head.headers['last-modified'] ?? '';
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

const httpDate = (offsetSeconds: number): string => new Date(Date.parse(lastModified) + offsetSeconds * 1000).toUTCString();
const bytes = (start: number, end: number): string => content.subarray(start, end + 1).toString('latin1');

type Expect = {
  status: number;
  /** The whole body, when given. */
  body?: string;
  headers?: Record<string, string | RegExp>;
  /** multipart/byteranges parts, as [Content-Range, bytes]. */
  parts?: Array<[string, string]>;
};
type Row = { name: string; method?: string; headers: () => Record<string, string>; expect: Expect };

const full: Expect = { status: 200, body: content.toString('latin1'), headers: { 'content-length': '1000', 'accept-ranges': 'bytes' } };
const notModified: Expect = { status: 304, body: '' };
const failed: Expect = { status: 412 };
const partial = (start: number, end: number): Expect => ({
  status: 206,
  body: bytes(start, end),
  headers: { 'content-range': `bytes ${start}-${end}/1000`, 'content-length': String(end - start + 1) },
});
const unsatisfiable: Expect = { status: 416, headers: { 'content-range': 'bytes */1000' } };

const rows: Row[] = [
  { name: 'no condition: 200 with validators', headers: () => ({}), expect: { ...full, headers: { ...full.headers, etag: /^"[0-9a-f]+-3e8"$/, 'last-modified': /GMT$/, 'content-type': 'text/plain; charset=utf-8' } } },
  { name: 'HEAD: the head of the 200, no body', method: 'HEAD', headers: () => ({}), expect: { status: 200, body: '', headers: { 'content-length': '1000' } } },
  { name: 'If-None-Match: the ETag', headers: () => ({ 'if-none-match': etag }), expect: notModified },
  { name: 'If-None-Match: the ETag made weak (weak comparison)', headers: () => ({ 'if-none-match': `W/${etag}` }), expect: notModified },
  { name: 'If-None-Match: a list holding the ETag', headers: () => ({ 'if-none-match': `"other", ${etag}, "x"` }), expect: notModified },
  { name: 'If-None-Match: *', headers: () => ({ 'if-none-match': '*' }), expect: notModified },
  { name: 'If-None-Match: another ETag', headers: () => ({ 'if-none-match': '"other"' }), expect: full },
  { name: 'If-None-Match that fails wins over an If-Modified-Since that holds', headers: () => ({ 'if-none-match': '"other"', 'if-modified-since': httpDate(3600) }), expect: full },
  { name: 'HEAD with If-None-Match: 304', method: 'HEAD', headers: () => ({ 'if-none-match': etag }), expect: notModified },
  { name: '304 repeats ETag and Last-Modified', headers: () => ({ 'if-none-match': etag }), expect: { ...notModified, headers: { etag: () => etag, 'last-modified': () => lastModified } as never } },
  { name: 'If-Modified-Since: the Last-Modified date', headers: () => ({ 'if-modified-since': lastModified }), expect: notModified },
  { name: 'If-Modified-Since: later', headers: () => ({ 'if-modified-since': httpDate(3600) }), expect: notModified },
  { name: 'If-Modified-Since: earlier', headers: () => ({ 'if-modified-since': httpDate(-1) }), expect: full },
  { name: 'If-Modified-Since: not a date (ignored)', headers: () => ({ 'if-modified-since': 'yesterday' }), expect: full },
  { name: 'If-Match: the ETag', headers: () => ({ 'if-match': etag }), expect: full },
  { name: 'If-Match: *', headers: () => ({ 'if-match': '*' }), expect: full },
  { name: 'If-Match: a list holding the ETag', headers: () => ({ 'if-match': `"a", ${etag}` }), expect: full },
  { name: 'If-Match: the ETag made weak (strong comparison fails)', headers: () => ({ 'if-match': `W/${etag}` }), expect: failed },
  { name: 'If-Match: another ETag', headers: () => ({ 'if-match': '"other"' }), expect: failed },
  { name: 'If-Match fails before If-None-Match is looked at', headers: () => ({ 'if-match': '"other"', 'if-none-match': etag }), expect: failed },
  { name: 'If-Match holds: If-Unmodified-Since is not looked at', headers: () => ({ 'if-match': etag, 'if-unmodified-since': httpDate(-3600) }), expect: full },
  { name: 'If-Unmodified-Since: earlier', headers: () => ({ 'if-unmodified-since': httpDate(-1) }), expect: failed },
  { name: 'If-Unmodified-Since: the Last-Modified date', headers: () => ({ 'if-unmodified-since': lastModified }), expect: full },
  { name: 'If-Unmodified-Since: not a date (ignored)', headers: () => ({ 'if-unmodified-since': 'never' }), expect: full },
  { name: 'Range: first bytes', headers: () => ({ range: 'bytes=0-9' }), expect: partial(0, 9) },
  { name: 'Range: one byte in the middle', headers: () => ({ range: 'bytes=500-500' }), expect: partial(500, 500) },
  { name: 'Range: open-ended', headers: () => ({ range: 'bytes=990-' }), expect: partial(990, 999) },
  { name: 'Range: suffix', headers: () => ({ range: 'bytes=-10' }), expect: partial(990, 999) },
  { name: 'Range: suffix longer than the file', headers: () => ({ range: 'bytes=-5000' }), expect: partial(0, 999) },
  { name: 'Range: end past the file is clamped', headers: () => ({ range: 'bytes=995-5000' }), expect: partial(995, 999) },
  { name: 'Range: the whole file is still a 206', headers: () => ({ range: 'bytes=0-' }), expect: partial(0, 999) },
  { name: 'Range: unit and spaces as RFC 9110 allows', headers: () => ({ range: 'Bytes= 1-2 ' }), expect: partial(1, 2) },
  { name: 'Range: start past the end: 416', headers: () => ({ range: 'bytes=1000-' }), expect: unsatisfiable },
  { name: 'Range: empty suffix: 416', headers: () => ({ range: 'bytes=-0' }), expect: unsatisfiable },
  { name: 'Range: several, none satisfiable: 416', headers: () => ({ range: 'bytes=2000-3000, 5000-' }), expect: unsatisfiable },
  { name: 'Range: last before first is invalid: ignored', headers: () => ({ range: 'bytes=5-2' }), expect: full },
  { name: 'Range: not numbers: ignored', headers: () => ({ range: 'bytes=a-b' }), expect: full },
  { name: 'Range: no dash: ignored', headers: () => ({ range: 'bytes=5' }), expect: full },
  { name: 'Range: another unit: ignored', headers: () => ({ range: 'items=0-1' }), expect: full },
  { name: 'Range: no unit: ignored', headers: () => ({ range: '0-1' }), expect: full },
  { name: 'Range: overlapping parts larger than the file: served whole', headers: () => ({ range: 'bytes=0-999,0-999' }), expect: full },
  {
    name: 'Range: two parts: multipart/byteranges',
    headers: () => ({ range: 'bytes=0-1,5-6' }),
    expect: { status: 206, parts: [['bytes 0-1/1000', bytes(0, 1)], ['bytes 5-6/1000', bytes(5, 6)]] },
  },
  {
    name: 'Range: three parts in the asked order, one of them unsatisfiable, empty list elements',
    headers: () => ({ range: 'bytes=-3, ,100-102, 5000-,10-10' }),
    expect: { status: 206, parts: [['bytes 997-999/1000', bytes(997, 999)], ['bytes 100-102/1000', bytes(100, 102)], ['bytes 10-10/1000', bytes(10, 10)]] },
  },
  { name: 'Range with one satisfiable part among unsatisfiable ones: single 206', headers: () => ({ range: 'bytes=5000-,3-4' }), expect: partial(3, 4) },
  { name: 'If-Range: the ETag: range served', headers: () => ({ range: 'bytes=0-9', 'if-range': etag }), expect: partial(0, 9) },
  { name: 'If-Range: the ETag made weak: whole file', headers: () => ({ range: 'bytes=0-9', 'if-range': `W/${etag}` }), expect: full },
  { name: 'If-Range: another ETag: whole file', headers: () => ({ range: 'bytes=0-9', 'if-range': '"other"' }), expect: full },
  { name: 'If-Range: the Last-Modified date: range served', headers: () => ({ range: 'bytes=0-9', 'if-range': lastModified }), expect: partial(0, 9) },
  { name: 'If-Range: another date: whole file', headers: () => ({ range: 'bytes=0-9', 'if-range': httpDate(3600) }), expect: full },
  { name: 'If-Range that fails with an unsatisfiable Range: whole file, not 416', headers: () => ({ range: 'bytes=5000-', 'if-range': '"other"' }), expect: full },
  { name: 'Range with If-None-Match that matches: 304 first', headers: () => ({ range: 'bytes=0-9', 'if-none-match': etag }), expect: notModified },
  { name: 'Range with If-Match that fails: 412 first', headers: () => ({ range: 'bytes=0-9', 'if-match': '"other"' }), expect: failed },
  { name: 'HEAD with Range: the 206 head, no body', method: 'HEAD', headers: () => ({ range: 'bytes=0-9' }), expect: { status: 206, body: '', headers: { 'content-range': 'bytes 0-9/1000', 'content-length': '10' } } },
];

/** multipart/byteranges → [Content-Range, bytes] per part. */
function parseMultipart(got: Got): Array<[string, string]> {
  const type = got.headers['content-type'] ?? '';
  const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(type)?.[1];
  assert.ok(boundary, `content-type ${type}`);
  assert.equal(Number(got.headers['content-length']), got.body.length, 'Content-Length is the multipart body');
  const text = got.text;
  assert.ok(text.endsWith(`\r\n--${boundary}--\r\n`), 'closing boundary');
  const parts = text.slice(0, -`\r\n--${boundary}--\r\n`.length).split(`\r\n--${boundary}\r\n`);
  assert.equal(parts.shift(), '', 'nothing before the first boundary');
  return parts.map((part) => {
    const end = part.indexOf('\r\n\r\n');
    const head = part.slice(0, end).split('\r\n');
    assert.ok(head.includes('content-type: text/plain; charset=utf-8'), `part head ${head.join('|')}`);
    const range = head.find((l) => l.startsWith('content-range: '))?.slice('content-range: '.length) ?? '';
    return [range, part.slice(end + 4)];
  });
}

for (const row of rows) {
  test(row.name, async () => {
    const got = await get(`${site.url}/file.txt`, row.headers(), row.method ?? 'GET');
    const e = row.expect;
    assert.equal(got.status, e.status, `status; body: ${got.text.slice(0, 200)}`);
    if (e.body !== undefined) assert.equal(got.text, e.body);
    for (const [name, want] of Object.entries(e.headers ?? {})) {
      const value = got.headers[name];
      if (typeof want === 'function') assert.equal(value, (want as () => string)(), name);
      else if (typeof want === 'string') assert.equal(value, want, name);
      else assert.match(value ?? '', want, name);
    }
    if (e.parts !== undefined) assert.deepEqual(parseMultipart(got), e.parts);
    if (e.status === 304) assert.equal(got.headers['content-length'], undefined, 'a 304 has no Content-Length');
  });
}
