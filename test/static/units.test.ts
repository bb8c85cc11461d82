// The pure parts of the static handler, case by case: path mapping under root and alias
// (and what it refuses), content types (own lines, multi-dot extensions, an empty table),
// try_files' variables, and the Range parser's edges.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMimeTypes, typeResolver } from '../../src/front/static/content-type.ts';
import { fileBase, mapPath } from '../../src/front/static/path-map.ts';
import { parseRange } from '../../src/front/static/range.ts';
import { expandTryFiles } from '../../src/front/static/try-files.ts';

test('mapPath: root appends, alias replaces the prefix, always joined by a slash', () => {
  const root = fileBase('root', '/srv/www/', '/');
  assert.deepEqual(mapPath(root, '/a/b.txt', false), { file: '/srv/www/a/b.txt', dir: '/srv/www', rel: '/a/b.txt' });
  const alias = fileBase('alias', '/data/img/', '/i/');
  assert.deepEqual(mapPath(alias, '/i/x.png', false), { file: '/data/img/x.png', dir: '/data/img', rel: '/x.png' });
  assert.deepEqual(mapPath(alias, '/i/', false), { file: '/data/img', dir: '/data/img', rel: '' });
  const noSlash = fileBase('alias', '/data/img', '/i');
  assert.deepEqual(mapPath(noSlash, '/i/x.png', false), { file: '/data/img/x.png', dir: '/data/img', rel: '/x.png' });
  assert.equal((mapPath(noSlash, '/i-other/x', false) as { status: number }).status, 404);
  const offBySlash = fileBase('alias', '/data/img/', '/i');
  assert.equal((mapPath(offBySlash, '/i../secret', false) as { status: number }).status, 404);
});

test('mapPath: refusals', () => {
  const root = fileBase('root', '/srv', '/');
  const cases: Array<[string, boolean, number | null]> = [
    ['/a\\b', false, 400],
    ['/.env', false, 404],
    ['/.env', true, null],
    ['/.well-known/acme-challenge/x', false, null],
    ['/.well-known/.x', false, 404],
    ['/a/.well-known/x', false, 404],
    ['/a.txt.', false, 404],
    ['/a.txt ', false, 404],
    ['/a::$DATA', false, 404],
    ['/CON', false, 404],
    ['/lpt1.log', false, 404],
    ['/console.log', false, null],
    ['/a..b', false, null],
  ];
  for (const [path, dotfiles, status] of cases) {
    const mapped = mapPath(root, path, dotfiles);
    assert.equal('status' in mapped ? mapped.status : null, status, path);
  }
  // Under an alias, `.well-known` is exempt only where it starts the request path.
  const alias = fileBase('alias', '/srv/acme', '/x/');
  assert.equal((mapPath(alias, '/x/.well-known/a', false) as { status: number }).status, 404);
});

test('content types: own lines first, longest suffix, built-in table, default; an empty table', async () => {
  await loadMimeTypes();
  const resolve = typeResolver({ builtin: true, byExtension: { md: 'text/x-md', 'tar.gz': 'application/x-tgz' } }, 'application/octet-stream');
  assert.equal(resolve('/a/readme.md'), 'text/x-md; charset=utf-8');
  assert.equal(resolve('/a/b.tar.gz'), 'application/x-tgz');
  assert.equal(resolve('/a/b.gz'), 'application/gzip');
  assert.equal(resolve('/a/APP.JS'), 'text/javascript; charset=utf-8');
  assert.equal(resolve('/a/no-extension'), 'application/octet-stream');
  assert.equal(resolve('/a/.bashrc'), 'application/octet-stream');
  assert.equal(resolve('/a.d/file'), 'application/octet-stream');
  const none = typeResolver({ builtin: false, byExtension: {} }, 'text/plain');
  assert.equal(none('/x.html'), 'text/plain; charset=utf-8');
});

test("try_files' variables", () => {
  assert.equal(expandTryFiles('$uri', '/a', 'x=1'), '/a');
  assert.equal(expandTryFiles('$uri.html', '/a', ''), '/a.html');
  assert.equal(expandTryFiles('/index.php?q=$uri&$args', '/a', 'x=1'), '/index.php?q=/a&x=1');
  assert.equal(expandTryFiles('/x$is_args$query_string', '/a', 'x=1'), '/x?x=1');
  assert.equal(expandTryFiles('/x$is_args$args', '/a', ''), '/x');
});

test('parseRange: edges', () => {
  assert.deepEqual(parseRange(undefined, 10), { kind: 'none' });
  assert.deepEqual(parseRange('bytes=0-0', 0), { kind: 'none' }, 'an empty file is served whole');
  assert.deepEqual(parseRange('bytes=99999999999999999999-', 10), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRange('bytes=0-99999999999999999999', 10), { kind: 'ranges', ranges: [{ start: 0, end: 9 }] });
  assert.deepEqual(parseRange(`bytes=${Array.from({ length: 101 }, (_, i) => `${i}-${i}`).join(',')}`, 1000), { kind: 'none' }, 'more than 100 parts');
  assert.deepEqual(parseRange('bytes=,', 10), { kind: 'none' });
  assert.deepEqual(parseRange('bytes=0-1,-', 10), { kind: 'none' });
});
