// Nothing outside the root is ever served: a corpus of encoded traversal attempts (one test
// each), sent byte for byte on a raw socket (HTTP clients would normalise them first). A
// secret file sits next to the root, in a sibling directory whose name extends the root's,
// and behind a symbolic link; none may appear in any answer, every answer is a refusal, and
// the same front still serves a normal request afterwards.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { headOf, rawRequest } from '../helpers/raw-http.ts';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { frontPid, startSite } from './helpers.ts';
import type { StaticEdge } from './helpers.ts';

const marker = 'TOP-SECRET-7f3a';
let site: StaticEdge;
let pid = 0;

before(async () => {
  site = await startSite(
    'edge-traversal-',
    {
      'secret.txt': `${marker}\n`,
      'public-secret/s.txt': `${marker}\n`,
      'public/index.html': '<h1>home</h1>\n',
      'public/a/b/c.txt': 'deep\n',
      'public/a/.hidden': `${marker}\n`,
      'public/.env': `${marker}\n`,
      'public/.git/config': `${marker}\n`,
      'public/con.txt': `${marker}\n`,
      'public/aux': `${marker}\n`,
      'public/%2e%2e/x.txt': 'a directory really named %2e%2e\n',
      'public/link-out': { link: '../secret.txt' },
      'public/dir-out': { link: '../public-secret' },
    },
    `workers 1;
app { module app.cjs; }
server {
    listen 127.0.0.1:0;
    root public;
    location / { }
    location /files { alias public/; }
    location /p { alias public; }
}
`,
  );
  pid = await frontPid(site.dir);
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

/** [name, request target]: every one must be refused. */
const corpus: Array<[string, string]> = [
  ['plain dot-dot', '/../secret.txt'],
  ['dot-dot far up', '/../../../../../../etc/passwd'],
  ['dot-dot after a directory', '/a/../../secret.txt'],
  ['dot-dot after two directories', '/a/b/../../../secret.txt'],
  ['dot segment then dot-dot', '/./../secret.txt'],
  ['doubled slashes around dot-dot', '//..//secret.txt'],
  ['encoded slash after dot-dot', '/..%2fsecret.txt'],
  ['encoded dots', '/%2e%2e/secret.txt'],
  ['encoded dots and slash', '/%2e%2e%2fsecret.txt'],
  ['encoded in upper case', '/%2E%2E%2Fsecret.txt'],
  ['half-encoded dot first', '/.%2e/secret.txt'],
  ['half-encoded dot second', '/%2e./secret.txt'],
  ['encoded dot-dot after directories', '/a/%2e%2e/%2e%2e/secret.txt'],
  ['encoded dot-dots far up', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd'],
  ['encoded backslash', '/..%5csecret.txt'],
  ['encoded backslashes around', '/%5c..%5csecret.txt'],
  ['raw backslash', '/..\\secret.txt'],
  ['raw backslashes after a directory', '/a\\..\\..\\secret.txt'],
  ['double-encoded dots', '/%252e%252e/secret.txt'],
  ['double-encoded dots and slash', '/%252e%252e%252fsecret.txt'],
  ['double-encoded slash', '/..%252fsecret.txt'],
  ['double-encoded dots reach a real %2e%2e directory, nothing above', '/%252e%252e/../../secret.txt'],
  ['overlong dots (2 bytes)', '/%c0%ae%c0%ae/secret.txt'],
  ['overlong dots and slash', '/%c0%ae%c0%ae%c0%afsecret.txt'],
  ['overlong slash', '/..%c0%afsecret.txt'],
  ['overlong dots (3 bytes)', '/%e0%80%ae%e0%80%ae/secret.txt'],
  ['overlong backslash', '/..%c1%9csecret.txt'],
  ['lone 0xff', '/%ff/../secret.txt'],
  ['truncated UTF-8', '/%e0%80/secret.txt'],
  ['IIS %u encoding', '/%u002e%u002e/secret.txt'],
  ['NUL before an extension', '/secret.txt%00.html'],
  ['NUL inside a path', '/index.html%00/../../secret.txt'],
  ['NUL after dots', '/%2e%2e%00/secret.txt'],
  ['three dots', '/.../secret.txt'],
  ['four dots and a double slash', '/....//secret.txt'],
  ['dot-dot with a semicolon (Tomcat)', '/..;/secret.txt'],
  ['encoded dot-dot with a semicolon', '/%2e%2e;/secret.txt'],
  ['absolute-form with dot-dot', 'http://localhost/../secret.txt'],
  ['symlink to a file outside', '/link-out'],
  ['symlink to a directory outside', '/dir-out/s.txt'],
  ['alias without slash: sibling directory', '/p-secret/s.txt'],
  ['alias off-by-slash', '/files../secret.txt'],
  ['alias off-by-slash, encoded', '/files%2e%2e/secret.txt'],
  ['alias with encoded slash and dots', '/files%2f..%2fsecret.txt'],
  ['dotfile', '/.env'],
  ['encoded dotfile', '/%2eenv'],
  ['dot directory', '/.git/config'],
  ['encoded dot directory', '/%2egit/config'],
  ['hidden file in a subdirectory', '/a/.hidden'],
  ['NTFS stream', '/index.html::$DATA'],
  ['Windows trailing dot', '/index.html.'],
  ['Windows trailing space', '/index.html%20'],
  ['Windows device name with extension', '/con.txt'],
  ['Windows device name', '/aux'],
];

for (const [name, target] of corpus) {
  test(`refused: ${name} (${target})`, async () => {
    const text = await rawRequest(site.url, `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    assert.ok(!text.includes(marker), `the secret came back:\n${text}`);
    const { status } = headOf(text);
    assert.ok([400, 403, 404].includes(status), `status ${status}:\n${text}`);
  });
}

test('the corpus is large enough', () => {
  assert.ok(corpus.length >= 40, `${corpus.length} cases`);
  assert.equal(new Set(corpus.map(([n]) => n)).size, corpus.length);
});

test('double encoding stays a literal name: %252e%252e is the directory called %2e%2e', async () => {
  const text = await rawRequest(site.url, 'GET /%252e%252e/x.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal(headOf(text).status, 200);
  assert.match(text, /a directory really named %2e%2e/);
});

test('afterwards the same front still serves normal requests', async () => {
  const text = await rawRequest(site.url, 'GET /a/b/c.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal(headOf(text).status, 200);
  assert.equal(headOf(text).body, 'deep\n');
  const alias = await rawRequest(site.url, 'GET /files/a/b/c.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal(headOf(alias).body, 'deep\n');
  assert.equal(await frontPid(site.dir), pid, 'the front was not replaced');
});
