// Static files as a client sees them: types and charsets, `types`/`default_type`, expires,
// directories (301 to the slash form, index files, 403, autoindex with escaped names),
// dotfiles and /.well-known/, symbolic links under each `disable_symlinks` policy, alias,
// methods, HTTP/1.0, and curl as a second client.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { headOf, rawRequest } from '../helpers/raw-http.ts';
import { get, startSite } from './helpers.ts';
import type { StaticEdge } from './helpers.ts';

let site: StaticEdge;

before(async () => {
  site = await startSite(
    'edge-files-',
    {
      'secret.txt': 'SECRET\n',
      'outside/x.txt': 'outside\n',
      'public/index.html': '<h1>home</h1>\n',
      'public/style.css': 'body { color: red }\n',
      'public/app.js': 'console.log(1);\n',
      'public/data.json': '{"a":1}\n',
      'public/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      'public/notes.md': '# notes\n',
      'public/readme.edgetest': 'custom\n',
      'public/archive.tar.gz': 'not really\n',
      'public/noext': 'no extension\n',
      'public/docs/index.html': '<h1>docs</h1>\n',
      'public/docs/page.html': '<h1>page</h1>\n',
      'public/empty/keep.txt': 'k\n',
      'public/listing/<img src=x onerror=alert(1)>.txt': 'x\n',
      'public/listing/a&b "q".txt': 'y\n',
      'public/listing/sub/f.txt': 'z\n',
      'public/listing/.hidden': 'h\n',
      'public/listing/with-index/index.html': 'an index\n',
      'public/.env': 'SECRET\n',
      'public/.well-known/acme-challenge/token1': 'challenge\n',
      'public/.well-known/.private': 'SECRET\n',
      'public/sub/.well-known/x': 'SECRET\n',
      'public/in.css': { link: 'style.css' },
      'public/in-dir': { link: 'docs' },
      'public/to-dotfile': { link: '.env' },
      'public/out.txt': { link: '../secret.txt' },
      'public/out-dir': { link: '../outside' },
      'public/100%/index.html': 'percent\n',
      'public/a b/c d.txt': 'spaces\n',
      'images/pic.txt': 'aliased\n',
    },
    `workers 1;
app { module app.cjs; }
types {
    text/x-edge-test edgetest;
    application/x-tar-gz tar.gz;
}
server {
    listen 127.0.0.1:0;
    root public;
    location / { }
    location /listing/ { autoindex on; }
    location /expires/ { alias public/; expires 1h; }
    location /forever/ { alias public/; expires max; }
    location /dl/ { alias public/; types {} default_type application/x-download; }
    location /plain/ { alias public/; default_type text/plain; }
    location /follow/ { alias public/; disable_symlinks off; }
    location /strict/ { alias public/; disable_symlinks on; }
    location /hidden/ { alias public/; dotfiles on; }
    location /images/ { alias $DIR/images/; }
    location /api/ { proxy app; }
}
`,
  );
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

describe('types', () => {
  const cases: Array<[string, string]> = [
    ['/index.html', 'text/html; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/data.json', 'application/json; charset=utf-8'],
    ['/logo.png', 'image/png'],
    ['/notes.md', 'text/markdown; charset=utf-8'],
    ['/readme.edgetest', 'text/x-edge-test; charset=utf-8'],
    ['/archive.tar.gz', 'application/x-tar-gz'],
    ['/noext', 'application/octet-stream'],
    ['/dl/style.css', 'application/x-download'],
    ['/plain/noext', 'text/plain; charset=utf-8'],
    ['/plain/style.css', 'text/css; charset=utf-8'],
  ];
  for (const [path, type] of cases) {
    test(`${path}: ${type}`, async () => {
      const got = await get(site.url + path);
      assert.equal(got.status, 200);
      assert.equal(got.headers['content-type'], type);
    });
  }
});

describe('responses', () => {
  test('200: body, length, validators, Accept-Ranges; HEAD: the same head, no body', async () => {
    const got = await get(`${site.url}/style.css`);
    assert.equal(got.text, 'body { color: red }\n');
    assert.equal(got.headers['content-length'], '20');
    assert.equal(got.headers['accept-ranges'], 'bytes');
    assert.match(got.headers.etag ?? '', /^"[0-9a-f]+-14"$/);
    assert.ok(!Number.isNaN(Date.parse(got.headers['last-modified'] ?? '')));
    assert.ok(got.headers.date);
    assert.equal(got.headers.vary, undefined);
    const head = await get(`${site.url}/style.css`, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    for (const name of ['content-length', 'content-type', 'etag', 'last-modified']) assert.equal(head.headers[name], got.headers[name], name);
  });

  test('expires 1h: Cache-Control max-age and Expires', async () => {
    const got = await get(`${site.url}/expires/style.css`);
    assert.equal(got.headers['cache-control'], 'max-age=3600');
    const expires = Date.parse(got.headers.expires ?? '');
    assert.ok(Math.abs(expires - (Date.now() + 3600_000)) < 5000, got.headers.expires);
    const none = await get(`${site.url}/style.css`);
    assert.equal(none.headers['cache-control'], undefined);
    const notModified = await get(`${site.url}/expires/style.css`, { 'if-none-match': got.headers.etag ?? '' });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers['cache-control'], 'max-age=3600');
  });

  test('expires max: ten years, immutable', async () => {
    const got = await get(`${site.url}/forever/style.css`);
    assert.equal(got.headers['cache-control'], 'max-age=315360000, immutable');
    assert.ok(Date.parse(got.headers.expires ?? '') > Date.now() + 9 * 365 * 86_400_000);
  });

  test('POST to a file: 405 with Allow', async () => {
    const got = await get(`${site.url}/style.css`, {}, 'POST');
    assert.equal(got.status, 405);
    assert.equal(got.headers.allow, 'GET, HEAD');
  });

  test('a missing file: 404; a path that names a file as a directory: 404', async () => {
    assert.equal((await get(`${site.url}/nope.css`)).status, 404);
    assert.equal((await get(`${site.url}/style.css/more`)).status, 404);
  });

  test('HTTP/1.0: Content-Length, connection closed after', async () => {
    const text = await rawRequest(site.url, 'GET /style.css HTTP/1.0\r\n\r\n');
    const res = headOf(text);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '20');
    assert.equal(res.body, 'body { color: red }\n');
  });

  test('percent-encoded names are decoded once', async () => {
    assert.equal((await get(`${site.url}/a%20b/c%20d.txt`)).text, 'spaces\n');
    assert.equal((await get(`${site.url}/100%25/`)).text, 'percent\n');
  });

  test('alias: the location prefix replaced by the directory', async () => {
    assert.equal((await get(`${site.url}/images/pic.txt`)).text, 'aliased\n');
  });

  test('curl downloads a file and a range', () => {
    const body = execFileSync('curl', ['-s', '--fail', `${site.url}/docs/page.html`], { encoding: 'utf8' });
    assert.equal(body, '<h1>page</h1>\n');
    const range = execFileSync('curl', ['-s', '--fail', '-r', '4-7', `${site.url}/docs/page.html`], { encoding: 'utf8' });
    assert.equal(range, 'page');
  });
});

describe('directories', () => {
  test('without a slash: 301 to the slash form, query kept', async () => {
    const got = await get(`${site.url}/docs?x=1`);
    assert.equal(got.status, 301);
    assert.equal(got.headers.location, '/docs/?x=1');
  });

  test('a name that needs encoding is encoded in Location', async () => {
    const got = await get(`${site.url}/a%20b`);
    assert.equal(got.status, 301);
    assert.equal(got.headers.location, '/a%20b/');
  });

  test('with a slash: its index file', async () => {
    const got = await get(`${site.url}/docs/`);
    assert.equal(got.status, 200);
    assert.equal(got.text, '<h1>docs</h1>\n');
    assert.equal((await get(`${site.url}/`)).text, '<h1>home</h1>\n');
  });

  test('without an index: 403', async () => {
    assert.equal((await get(`${site.url}/empty/`)).status, 403);
  });

  test('autoindex on: a listing, directories first, names escaped, hidden files left out', async () => {
    const got = await get(`${site.url}/listing/`);
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'text/html; charset=utf-8');
    const html = got.body.toString('utf8');
    assert.ok(!html.includes('<img'), html);
    assert.match(html, />&#60;img src=x onerror=alert\(1\)&#62;\.txt</);
    assert.match(html, /href="%3Cimg%20src%3Dx%20onerror%3Dalert\(1\)%3E\.txt"/);
    assert.match(html, /a&#38;b &#34;q&#34;\.txt/);
    assert.ok(!html.includes('.hidden'));
    assert.ok(html.indexOf('sub/') < html.indexOf('a&#38;b'), 'directories first');
    assert.match(html, /<a href="\.\.\/">\.\.\/<\/a>/);
  });

  test('autoindex on, but an index file exists: the index', async () => {
    assert.equal((await get(`${site.url}/listing/with-index/`)).text, 'an index\n');
  });
});

describe('dotfiles', () => {
  test('hidden files answer 404', async () => {
    assert.equal((await get(`${site.url}/.env`)).status, 404);
    assert.equal((await get(`${site.url}/.well-known/.private`)).status, 404);
    assert.equal((await get(`${site.url}/sub/.well-known/x`)).status, 404);
  });

  test('/.well-known/ at the start of the path is served', async () => {
    const got = await get(`${site.url}/.well-known/acme-challenge/token1`);
    assert.equal(got.status, 200);
    assert.equal(got.text, 'challenge\n');
  });

  test('a link inside the root to a hidden file: 403', async () => {
    assert.equal((await get(`${site.url}/to-dotfile`)).status, 403);
  });

  test('dotfiles on: served', async () => {
    assert.equal((await get(`${site.url}/hidden/.env`)).text, 'SECRET\n');
  });
});

describe('symbolic links', () => {
  test('default (if_outside_root): a link inside the root is followed', async () => {
    assert.equal((await get(`${site.url}/in.css`)).text, 'body { color: red }\n');
    assert.equal((await get(`${site.url}/in-dir/page.html`)).text, '<h1>page</h1>\n');
  });

  test('default: a link out of the root is refused with 403', async () => {
    const file = await get(`${site.url}/out.txt`);
    assert.equal(file.status, 403);
    assert.ok(!file.text.includes('SECRET'));
    assert.equal((await get(`${site.url}/out-dir/x.txt`)).status, 403);
  });

  test('disable_symlinks off: links are followed wherever they lead', async () => {
    assert.equal((await get(`${site.url}/follow/out.txt`)).text, 'SECRET\n');
    assert.equal((await get(`${site.url}/follow/out-dir/x.txt`)).text, 'outside\n');
  });

  test('disable_symlinks on: even a link inside the root is refused', async () => {
    assert.equal((await get(`${site.url}/strict/in.css`)).status, 403);
    assert.equal((await get(`${site.url}/strict/style.css`)).status, 200);
  });
});
