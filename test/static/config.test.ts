// The static-file directives: defaults, `types` blocks (free-form lines, includes, the empty
// block), try_files and named locations, and the values and combinations they refuse.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { configToTree } from '../../src/config/effective.ts';
import { printConfig } from '../../src/config/print.ts';
import { codesAndLines, load, loadOk, shown, tempDirs } from '../config/helpers.ts';

const temp = tempDirs('static-config');
after(() => temp.removeAll());

function configFile(text: string, extra: Record<string, string> = {}): string {
  const dir = temp.make({ 'edge.conf': text, 'app.js': 'module.exports = (req, res) => res.end();\n', ...extra });
  return path.join(dir, 'edge.conf');
}

const app = 'app { module app.js; }\n';

test('defaults: the cache on, symlinks inside the root only, no dotfiles, no listings', () => {
  const config = loadOk(configFile(`${app}server { root public; location / { } }\n`));
  const location = config.servers[0]?.locations[0];
  assert.ok(location);
  assert.deepEqual(location.openFileCache, { max: 10000, inactive: 60_000 });
  assert.equal(location.openFileCacheValid, 1000);
  assert.equal(location.openFileCacheErrors, false);
  assert.equal(location.openFileCacheMemory, 32 * 1024 * 1024);
  assert.equal(location.openFileCacheMaxBody, 1024 * 1024);
  assert.equal(location.disableSymlinks, 'if_outside_root');
  assert.equal(location.dotfiles, false);
  assert.equal(location.autoindex, false);
  assert.equal(location.gzipStatic, false);
  assert.equal(location.brotliStatic, false);
  assert.equal(location.defaultType, 'application/octet-stream');
  assert.deepEqual(location.types, { builtin: true, byExtension: {} });
  assert.deepEqual(location.index, ['index.html']);
  assert.equal(location.expires, null);
  assert.equal(location.tryFiles, null);
});

test('types: lines added over the enclosing blocks, includes inside, an empty block removes all', () => {
  const config = loadOk(
    configFile(
      `${app}types {\n    text/markdown md MARKDOWN;\n}\nserver {\n    root public;\n    types { include extra.types; }\n    location / { }\n    location /dl/ { types {} }\n    location /md/ { types { text/plain md; } }\n}\n`,
      { 'extra.types': 'application/x-edge edge;\n# a comment\napplication/wasm wasm;\n' },
    ),
  );
  const [root, dl, md] = config.servers[0]?.locations ?? [];
  assert.ok(root && dl && md);
  assert.deepEqual(root.types, { builtin: true, byExtension: { md: 'text/markdown', markdown: 'text/markdown', edge: 'application/x-edge', wasm: 'application/wasm' } });
  assert.deepEqual(dl.types, { builtin: false, byExtension: {} });
  assert.equal(md.types.byExtension.md, 'text/plain');
  assert.equal(md.types.byExtension.edge, 'application/x-edge');
  // `edge config` prints what loads back to the same.
  const printed = printConfig(configToTree(config), { raw: false });
  assert.match(printed, /types \{\}/);
  const again = loadOk(configFile(printed.replaceAll(path.dirname(config.file ?? ''), '.')));
  assert.deepEqual(again.servers[0]?.locations.map((l) => l.types), config.servers[0]?.locations.map((l) => l.types));
});

test('try_files: files, a URI, a status or a named location; location @name', () => {
  const config = loadOk(
    configFile(`${app}server {\n    root public;\n    location / { try_files $uri $uri/ /index.html; }\n    location /a/ { try_files $uri =404; }\n    location /b/ { try_files $uri.html $uri @app; }\n    location @app { proxy app; }\n}\n`),
  );
  const [root, a, b, named] = config.servers[0]?.locations ?? [];
  assert.deepEqual(root?.tryFiles, { files: ['$uri', '$uri/'], fallback: { kind: 'uri', uri: '/index.html' } });
  assert.deepEqual(a?.tryFiles, { files: ['$uri'], fallback: { kind: 'code', status: 404 } });
  assert.deepEqual(b?.tryFiles, { files: ['$uri.html', '$uri'], fallback: { kind: 'named', name: 'app' } });
  assert.equal(named?.path, '@app');
  assert.equal(named?.proxy, 'app');
});

const errorCases: Array<{ name: string; conf: string; errors: (at: string) => string[][] }> = [
  {
    name: 'try_files: an unknown variable, a file without a leading slash, a bad status',
    conf: `${app}server {\n    root public;\n    location / { try_files $request_filename /x; }\n    location /a/ { try_files index.html /x; }\n    location /b/ { try_files $uri =99; }\n}\n`,
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at}:4:18: "try_files": unknown variable "$request_filename" in "$request_filename"; try_files knows $uri, $args, $query_string, $is_args`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:5:20: "try_files": "index.html" is appended to the root as it is: start it with "/" or "$uri"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:6:20: "try_files": expected a number from 200 to 599, got 99`],
    ],
  },
  {
    name: 'try_files: a named location that does not exist, with proxy, without root',
    conf: `${app}server {\n    location / { root public; try_files $uri @nope; }\n    location /p/ { root public; try_files $uri @app; proxy app; }\n    location /n/ { try_files $uri =404; }\n    location @app { proxy app; }\n}\n`,
    errors: (at) => [
      ['EDGE_ERR_CONFIG_REFERENCE', `${at}:3:31: "try_files": no location "@nope" in this server; add location @nope { ... }`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at}:4:33: location "/p/" has both "try_files" and "proxy": put the proxy in a named location (location @app { proxy app; }) and end try_files with @app`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at}:5:20: location "/n/": "try_files" looks for files, but there is no "root" or "alias" to look in`],
    ],
  },
  {
    name: 'named locations: no modifier, a valid name, once per server',
    conf: `${app}server {\n    location / { proxy app; }\n    location = @a { proxy app; }\n    location @b.c { proxy app; }\n    location @d { proxy app; }\n    location @d { proxy app; }\n}\n`,
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at}:4:5: "location": a named location takes no modifier, got "="`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:5:5: "location": a named location is "@" and letters, digits, _ or -, got "@b.c"`],
      ['EDGE_ERR_CONFIG_DUPLICATE', `${at}:7:5: location "@d" is defined twice in this server`],
    ],
  },
  {
    name: 'types: a line that is not a type, a type without extensions, a nested block, no block',
    conf: `${app}types {\n    html text/html;\n    text/css;\n    text/plain txt { }\n}\nserver {\n    types;\n    location / { proxy app; }\n}\n`,
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at}:3:5: "types": expected a media type such as text/css at the start of a types line, got "html"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:4:5: "types": "text/css" names no extension: write "text/css EXTENSION ...;"`],
      ['EDGE_ERR_CONFIG_SYNTAX', `${at}:5:5: a line of "types" takes no block; end it with ";"`],
      ['EDGE_ERR_CONFIG_ARGS', `${at}:8:5: "types" needs a block: types { MIME-TYPE EXTENSION ...; ... }`],
    ],
  },
  {
    name: 'open_file_cache, disable_symlinks, default_type, alias in a regex location',
    conf: `${app}open_file_cache inactive=10s;\nserver {\n    open_file_cache max=10 size=1;\n    disable_symlinks if_not_owner;\n    default_type *;\n    location ~ \\.png$ { alias images/; }\n}\n`,
    errors: (at) => [
      ['EDGE_ERR_CONFIG_VALUE', `${at}:2:1: "open_file_cache": max=NUMBER is required, as in nginx (open_file_cache max=10000 inactive=60s)`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:4:5: "open_file_cache": expected max=NUMBER [inactive=TIME] or off, got "size=1"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:5:5: "disable_symlinks": expected if_outside_root, on or off, got "if_not_owner"`],
      ['EDGE_ERR_CONFIG_VALUE', `${at}:6:5: "default_type": expected a media type such as application/octet-stream, got "*"`],
      ['EDGE_ERR_CONFIG_REFERENCE', `${at}:7:25: location "\\.png$": "alias" is not supported in a regular-expression location; use "root"`],
    ],
  },
];

for (const c of errorCases) {
  test(`refused: ${c.name}`, () => {
    const file = configFile(c.conf);
    const result = load(file);
    assert.deepEqual(codesAndLines(result.errors), c.errors(shown(file)));
  });
}
