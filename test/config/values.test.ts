// The argument parsers behind the directive table: sizes, durations, integers, listen
// addresses and CIDR ranges, and the printers that must give back what they parse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidValue,
  parseCidr,
  parseDuration,
  parseInteger,
  parseListen,
  parseSize,
  printDuration,
  printListen,
  printSize,
} from '../../src/config/values.ts';
import type { Listen } from '../../src/config/values.ts';

const kib = 1024;
const mib = 1024 ** 2;
const gib = 1024 ** 3;

/** Asserts that `fn` rejects its input with exactly `message`. */
function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidValue, `expected InvalidValue, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

test('parseSize: bytes, k, m, g in binary multiples, any case', () => {
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['512', 512],
    ['64k', 64 * kib],
    ['64K', 64 * kib],
    ['10m', 10 * mib],
    ['10M', 10 * mib],
    ['1g', gib],
    ['1G', gib],
    ['007k', 7 * kib],
  ];
  for (const [text, bytes] of cases) assert.equal(parseSize(text), bytes, text);
});

test('parseSize: what it rejects', () => {
  for (const text of ['', '1.5m', '10mb', '512MiB', '-1', 'k', '1 k', '1t']) {
    rejects(() => parseSize(text), `expected a size such as 512, 64k, 10m or 1g, got "${text}"`);
  }
  rejects(() => parseSize('99999999999g'), 'size "99999999999g" is too large');
});

test('parseDuration: units, combinations, bare numbers are seconds', () => {
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['30', 30_000],
    ['500ms', 500],
    ['1ms', 1],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['5m5s', 305_000],
    ['1d2h3m4s5ms', 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_000 + 5],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('parseDuration: what it rejects', () => {
  for (const text of ['', '1.5s', '1m30', '30S', '30 s', '-5s', '5y', 'ms', '1w']) {
    rejects(() => parseDuration(text), `expected a duration such as 500ms, 30s, 5m or 1h, got "${text}"`);
  }
  rejects(() => parseDuration('999999999999999d'), 'duration "999999999999999d" is too large');
});

test('printSize: the largest whole unit', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [512, '512'],
    [kib, '1k'],
    [1536, '1536'],
    [16 * kib, '16k'],
    [10 * mib, '10m'],
    [1536 * mib, '1536m'],
    [3 * gib, '3g'],
  ];
  for (const [bytes, text] of cases) assert.equal(printSize(bytes), text, String(bytes));
});

test('printDuration: the largest whole unit', () => {
  const cases: Array<[number, string]> = [
    [0, '0ms'],
    [1, '1ms'],
    [1500, '1500ms'],
    [1000, '1s'],
    [90_000, '90s'],
    [60_000, '1m'],
    [5_400_000, '90m'],
    [3_600_000, '1h'],
    [86_400_000, '1d'],
  ];
  for (const [ms, text] of cases) assert.equal(printDuration(ms), text, String(ms));
});

test('printSize and printDuration give back what the parsers read', () => {
  for (const bytes of [0, 1, 1023, kib, 1025, 16 * kib, 10 * mib + 1, gib, 7 * gib]) {
    assert.equal(parseSize(printSize(bytes)), bytes);
  }
  for (const ms of [0, 1, 999, 1000, 1001, 90_000, 5_400_000, 90_061_001, 86_400_000 * 365]) {
    assert.equal(parseDuration(printDuration(ms)), ms);
  }
  for (const text of ['1h30m', '30', '500ms', '2d', '75s']) {
    assert.equal(parseDuration(printDuration(parseDuration(text))), parseDuration(text));
  }
});

test('parseInteger: range and form', () => {
  assert.equal(parseInteger('0', 0, 10), 0);
  assert.equal(parseInteger('10', 0, 10), 10);
  rejects(() => parseInteger('11', 0, 10), 'expected a number from 0 to 10, got 11');
  rejects(() => parseInteger('-1', 0, 10), 'expected a whole number, got "-1"');
  rejects(() => parseInteger('1e3', 0, 10_000), 'expected a whole number, got "1e3"');
  rejects(() => parseInteger('', 0, 10), 'expected a whole number, got ""');
  // Without an upper limit the message does not show Number.MAX_SAFE_INTEGER.
  rejects(() => parseInteger('0', 1, Number.MAX_SAFE_INTEGER), 'expected a number of at least 1, got 0');
  rejects(() => parseInteger('99999999999999999999', 0, Number.MAX_SAFE_INTEGER), 'number "99999999999999999999" is too large');
});

const base: Listen = { host: '0.0.0.0', port: 0, path: null, ssl: false, http2: false, defaultServer: false, source: 'here' };

test('parseListen: the address forms', () => {
  const cases: Array<[string[], Partial<Listen>]> = [
    [['80'], { port: 80 }],
    [['127.0.0.1:8080'], { host: '127.0.0.1', port: 8080 }],
    [['[::1]:443', 'ssl', 'http2'], { host: '::1', port: 443, ssl: true, http2: true }],
    [['[::]:80', 'default_server'], { host: '::', port: 80, defaultServer: true }],
    [['*:80'], { port: 80 }],
    [['unix:/tmp/x.sock'], { host: '', path: '/tmp/x.sock' }],
    [['localhost:80'], { host: 'localhost', port: 80 }],
    [['0'], { port: 0 }],
    [['65535'], { port: 65535 }],
  ];
  for (const [args, expected] of cases) {
    assert.deepEqual(parseListen(args, 'here'), { ...base, ...expected }, args.join(' '));
  }
});

test('parseListen: what it rejects', () => {
  const form = (got: string): string => `expected PORT, ADDRESS:PORT, [IPv6]:PORT or unix:PATH, got "${got}"`;
  const cases: Array<[string[], string]> = [
    [[''], form('')],
    [['localhost'], form('localhost')],
    [['127.0.0.1'], form('127.0.0.1')],
    [['[::1]'], form('[::1]')],
    [['::1:80'], form('::1:80')],
    [[':80'], form(':80')],
    [['host:'], form('host:')],
    [['[fe80::zz]:80'], form('[fe80::zz]:80')],
    [['[1:2]:80'], '"[1:2]" is not an IPv6 address'],
    [['65536'], 'expected a port from 0 to 65535, got "65536"'],
    [['127.0.0.1:99999'], 'expected a port from 0 to 65535, got "99999"'],
    [['unix:'], 'expected a socket path after "unix:"'],
    [['80', 'quic'], 'expected ssl, http2 or default_server, got "quic"'],
  ];
  for (const [args, message] of cases) rejects(() => parseListen(args, 'here'), message);
});

test('printListen gives back what parseListen reads', () => {
  const forms = [['80'], ['127.0.0.1:8080'], ['[::1]:443', 'ssl', 'http2'], ['unix:/run/edge.sock'], ['[::]:80', 'default_server']];
  for (const args of forms) {
    const listen = parseListen(args, 'here');
    assert.deepEqual(parseListen(printListen(listen), 'here'), listen, args.join(' '));
  }
  assert.deepEqual(printListen(parseListen(['80', 'http2', 'ssl'], 'here')), ['0.0.0.0:80', 'ssl', 'http2']);
  assert.deepEqual(printListen(parseListen(['[::1]:443'], 'here')), ['[::1]:443']);
});

test('parseCidr: addresses and ranges, IPv4 and IPv6', () => {
  for (const text of ['10.0.0.0/8', '127.0.0.1', '0.0.0.0/0', '192.168.1.0/32', '::1', 'fd00::/8', '::/128']) {
    assert.equal(parseCidr(text), text);
  }
  for (const text of ['10.0.0.0/33', '1.2.3', '10.0.0.0/8/1', '10.0.0.0/', '::/129', 'x/8', 'localhost', '']) {
    rejects(() => parseCidr(text), `expected an IP address or CIDR range such as 10.0.0.0/8 or ::1, got "${text}"`);
  }
});
