// try_files: the single-page-app case (`$uri $uri/ /index.html`), the "file if it exists,
// else the app" case (`$uri @app` with a named location), `=404`, an internal redirect into
// a proxied location (the app sees the new URI), and the index internal redirect.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { stopAllEdges } from '../helpers/edge-server.ts';
import { get, startSite } from './helpers.ts';
import type { StaticEdge } from './helpers.ts';

let site: StaticEdge;

before(async () => {
  site = await startSite(
    'edge-try-files-',
    {
      'spa/index.html': '<div id=app></div>\n',
      'spa/assets/app.js': 'app()\n',
      'spa/assets/empty/.keep': '',
      'spa/docs/index.html': 'docs index\n',
      'site/style.css': 'body{}\n',
      'site/pages/about.html': 'about\n',
    },
    `workers 1;
app { module app.cjs; }
server {
    listen 127.0.0.1:0;
    location / {
        root spa;
        try_files $uri $uri/ /index.html;
    }
    location /site/ {
        alias site/;
        try_files $uri $uri.html @app;
    }
    location /strict/ {
        alias site/;
        try_files $uri =404;
    }
    location /moved/ {
        alias site/;
        try_files $uri /api/new$is_args$args;
    }
    location /api/ { proxy app; }
    location @app { proxy app; }
    location = /loop { root spa; try_files /nothing /loop; }
}
`,
  );
});

after(async () => {
  await stopAllEdges();
  site?.remove();
});

test('SPA: a file is served as it is', async () => {
  const got = await get(`${site.url}/assets/app.js`);
  assert.equal(got.text, 'app()\n');
  assert.equal(got.headers['content-type'], 'text/javascript; charset=utf-8');
});

test('SPA: a route of the app gets index.html', async () => {
  for (const route of ['/users/42', '/settings?tab=x', '/missing.js']) {
    const got = await get(site.url + route);
    assert.equal(got.status, 200, route);
    assert.equal(got.text, '<div id=app></div>\n', route);
    assert.equal(got.headers['content-type'], 'text/html; charset=utf-8');
  }
});

test('SPA: a directory with an index, without and with the slash', async () => {
  const redirect = await get(`${site.url}/docs`);
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, '/docs/');
  assert.equal((await get(`${site.url}/docs/`)).text, 'docs index\n');
});

test('SPA: a directory without an index is 403, as nginx answers', async () => {
  assert.equal((await get(`${site.url}/assets/empty/`)).status, 403);
});

test('file else app: the file when it exists', async () => {
  assert.equal((await get(`${site.url}/site/style.css`)).text, 'body{}\n');
  assert.equal((await get(`${site.url}/site/pages/about`)).text, 'about\n', '$uri.html');
});

test('file else app: the app, with the original request', async () => {
  assert.equal((await get(`${site.url}/site/api/users?id=3`)).text, 'app GET /site/api/users?id=3');
  const res = await request(`${site.url}/site/form`, { method: 'POST', body: 'a=1' });
  assert.equal(await res.body.text(), 'app POST /site/form');
});

test('=404 when no file exists', async () => {
  assert.equal((await get(`${site.url}/strict/style.css`)).status, 200);
  assert.equal((await get(`${site.url}/strict/nope`)).status, 404);
});

test('a URI fallback into a proxied location: the app sees the new URI', async () => {
  assert.equal((await get(`${site.url}/moved/old?x=1`)).text, 'app GET /api/new?x=1');
  assert.equal((await get(`${site.url}/moved/old`)).text, 'app GET /api/new');
});

test('an internal redirect loop ends with 500', async () => {
  assert.equal((await get(`${site.url}/loop`)).status, 500);
});
