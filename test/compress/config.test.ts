// The compression directives: defaults, inheritance from main to server to location, and the
// values they refuse (with file:line:col).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { load, loadOk, tempDirs } from '../config/helpers.ts';

const temp = tempDirs('compress-config');
after(() => temp.removeAll());

function configFile(text: string): string {
  const dir = temp.make({ 'edge.conf': text, 'app.js': 'module.exports = (req, res) => res.end();\n' });
  return path.join(dir, 'edge.conf');
}

test('defaults: off, nginx-like names, a list of text types', () => {
  const config = loadOk(configFile('app { module app.js; }\nserver { location / { proxy app; } }\n'));
  const location = config.servers[0]?.locations[0];
  assert.ok(location);
  assert.equal(location.gzip, false);
  assert.equal(location.brotli, false);
  assert.equal(location.gzipCompLevel, 1);
  assert.equal(location.brotliCompLevel, 4);
  assert.equal(location.gzipMinLength, 256);
  assert.equal(location.brotliMinLength, 256);
  for (const type of ['text/html', 'text/css', 'application/javascript', 'application/json', 'image/svg+xml']) {
    assert.ok(location.gzipTypes.includes(type), type);
    assert.ok(location.brotliTypes.includes(type), type);
  }
  assert.ok(!location.gzipTypes.includes('image/png'));
});

test('inherited from main to server to location, and overridden where set', () => {
  const config = loadOk(
    configFile(`gzip on;
gzip_types Application/JSON;
app { module app.js; }
server {
    brotli on;
    brotli_comp_level 9;
    location / { proxy app; }
    location /api/ { proxy app; gzip off; gzip_min_length 1k; brotli_types *; }
}
`),
  );
  const [root, api] = config.servers[0]?.locations ?? [];
  assert.ok(root && api);
  assert.equal(config.gzip, true);
  assert.deepEqual(root.gzipTypes, ['application/json']);
  assert.equal(root.gzip, true);
  assert.equal(root.brotli, true);
  assert.equal(root.brotliCompLevel, 9);
  assert.equal(api.gzip, false);
  assert.equal(api.gzipMinLength, 1024);
  assert.deepEqual(api.brotliTypes, ['*']);
  assert.equal(api.brotliCompLevel, 9);
});

test('bad values are refused with their position', () => {
  const result = load(
    configFile(`gzip yes;
gzip_comp_level 10;
brotli_comp_level 12;
gzip_types text/html "text/html; charset=utf-8";
brotli_types text;
gzip_min_length 1kb;
app { module app.js; }
server { location / { proxy app; gzip_types text/css; gzip_types text/plain; } }
`),
  );
  assert.deepEqual(result.errors.map((e) => [e.code, e.where?.line]), [
    ['EDGE_ERR_CONFIG_VALUE', 1],
    ['EDGE_ERR_CONFIG_VALUE', 2],
    ['EDGE_ERR_CONFIG_VALUE', 3],
    ['EDGE_ERR_CONFIG_VALUE', 4],
    ['EDGE_ERR_CONFIG_VALUE', 5],
    ['EDGE_ERR_CONFIG_VALUE', 6],
    ['EDGE_ERR_CONFIG_DUPLICATE', 8],
  ]);
  const messages = result.errors.map((e) => e.message).join('\n');
  assert.match(messages, /"gzip_comp_level": expected a number from 1 to 9, got 10/);
  assert.match(messages, /"gzip_types": expected a media type such as text\/css, or \*, got "text\/html; charset=utf-8"/);
});
