// The generated references: up to date with their sources, complete, and every error code
// that the code raises is registered (and so documented).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { directives } from '../src/config/directives.ts';
import { renderConfigurationReference } from '../src/docs/config-reference.ts';
import { renderErrorReference } from '../src/docs/error-reference.ts';
import { errorCodes } from '../src/errors.ts';

const root = path.resolve(import.meta.dirname, '..');
const read = (name: string): string => readFileSync(path.join(root, name), 'utf8');

test('docs/configuration.md is what the generator produces from the directive table', () => {
  assert.ok(
    read('docs/configuration.md') === renderConfigurationReference(),
    'docs/configuration.md is out of date: run `npm run docs`',
  );
});

test('docs/errors.md is what the generator produces from the error registry', () => {
  assert.ok(read('docs/errors.md') === renderErrorReference(), 'docs/errors.md is out of date: run `npm run docs`');
});

test('the generated files say so on their first line', () => {
  for (const name of ['docs/configuration.md', 'docs/errors.md']) {
    const first = read(name).split('\n')[0] ?? '';
    assert.match(first, /^<!--.*generated.*npm run docs.*-->$/i, `${name} does not start with the generated-file notice`);
  }
});

test('every directive in the table has a section in configuration.md', () => {
  const text = read('docs/configuration.md');
  const missing = directives.filter((d) => !text.includes(`\n### \`${d.name}\`\n`)).map((d) => d.name);
  assert.deepEqual(missing, [], `directives without a section in docs/configuration.md: ${missing.join(', ')}`);
});

test('every directive not yet acted on says so in configuration.md', () => {
  const text = read('docs/configuration.md');
  for (const d of directives) {
    const start = text.indexOf(`\n### \`${d.name}\`\n`);
    const end = text.indexOf('\n### ', start + 1);
    const section = text.slice(start, end === -1 ? undefined : end);
    assert.equal(section.includes('Not yet acted on:'), d.planned === true, `section of "${d.name}"`);
  }
});

test('every error code in the registry is documented in errors.md', () => {
  const text = read('docs/errors.md');
  const missing = Object.keys(errorCodes).filter((code) => !text.includes(`### \`${code}\``));
  assert.deepEqual(missing, [], `codes without a section in docs/errors.md: ${missing.join(', ')}`);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.[cm]?[jt]s$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

test('every EDGE_ERR_* code used in src/ is in the registry', () => {
  const unknown: string[] = [];
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    // A name that ends in `_` is a prefix (`startsWith('EDGE_ERR_CONFIG_')`), not a code.
    for (const [code] of text.matchAll(/EDGE_ERR_[A-Z0-9_]+/g)) {
      if (!code.endsWith('_') && !Object.hasOwn(errorCodes, code)) unknown.push(`${path.relative(root, file)}: ${code}`);
    }
  }
  assert.deepEqual(unknown, [], `codes used in src/ but missing from errorCodes in src/errors.ts:\n${unknown.join('\n')}`);
});
