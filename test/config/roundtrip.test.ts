// Parse → print → parse gives the same tree: for every .conf in the repository and every
// well-formed text of the malformed cases, expanded and raw (`edge fmt`); printing is
// idempotent; and `edge config` output loads back to the same configuration.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { configToTree } from '../../src/config/effective.ts';
import type { Environment } from '../../src/config/load.ts';
import { parseFile, parseText } from '../../src/config/parse.ts';
import { printConfig } from '../../src/config/print.ts';
import { directiveCases } from './cases-directives.ts';
import { syntaxCases } from './cases-syntax.ts';
import { confFilesUnder, fixedEnv, formatAll, loadOk, repoRoot, shape, tempDirs } from './helpers.ts';

const temp = tempDirs('roundtrip');
after(() => temp.removeAll());

/** Asserts the three round trips of one file, which must parse without errors. */
function assertRoundTrips(file: string, env: Environment): void {
  const expanded = parseFile(file, { env });
  assert.deepEqual(formatAll(expanded.errors), []);
  const printed = printConfig(expanded.nodes, { raw: false });
  const reparsed = parseText(printed, file, { env });
  assert.deepEqual(formatAll(reparsed.errors), []);
  assert.deepEqual(shape(reparsed.nodes), shape(expanded.nodes), 'expanded: parse → print → parse');
  assert.equal(printConfig(reparsed.nodes, { raw: false }), printed, 'expanded: printing is idempotent');

  const raw = parseFile(file, { env: null });
  assert.deepEqual(formatAll(raw.errors), []);
  const formatted = printConfig(raw.nodes, { raw: true });
  const rawAgain = parseText(formatted, file, { env: null });
  assert.deepEqual(shape(rawAgain.nodes), shape(raw.nodes), 'raw: parse → print → parse');
  assert.equal(printConfig(rawAgain.nodes, { raw: true }), formatted, 'raw: printing is idempotent');
  // What `edge fmt` writes means what the file meant: same expansions, same includes.
  assert.deepEqual(shape(parseText(formatted, file, { env }).nodes), shape(expanded.nodes), 'raw: meaning kept');
}

const repoFiles = ['config', 'examples', 'test'].flatMap((dir) => confFilesUnder(path.join(repoRoot, dir)));

test('the repository has .conf files to round-trip', () => {
  const names = repoFiles.map((f) => path.relative(repoRoot, f));
  for (const expected of ['config/edge.conf', 'test/golden/full.conf', 'test/golden/include.d/10-app.conf']) {
    assert.ok(names.includes(expected), `${expected} is found`);
  }
});

for (const file of repoFiles) {
  test(`round trip: ${path.relative(repoRoot, file)}`, () => assertRoundTrips(file, fixedEnv));
}

test('round trip: every well-formed text of the malformed cases', () => {
  let checked = 0;
  for (const c of [...syntaxCases, ...directiveCases]) {
    const dir = temp.make({ 'app.js': '', ...c.files });
    const env = c.env ?? {};
    for (const [name, content] of Object.entries(c.files)) {
      if (!name.endsWith('.conf') || typeof content !== 'string') continue;
      const file = path.join(dir, name);
      if (!fs.statSync(file).isFile()) continue;
      if (parseFile(file, { env }).errors.length > 0 || parseFile(file, { env: null }).errors.length > 0) continue;
      assertRoundTrips(file, env);
      checked++;
    }
  }
  assert.ok(checked >= 40, `only ${checked} well-formed texts among the cases`);
});

// `edge config`: the effective configuration, printed, is a config that loads to the same.
const effectiveCases = [path.join(repoRoot, 'config', 'edge.conf'), ...confFilesUnder(path.join(repoRoot, 'test', 'golden')).filter((f) => path.dirname(f) === path.join(repoRoot, 'test', 'golden'))];

/** The config without what names its source: the file, and where each listen was written. */
function comparable(config: object): unknown {
  return JSON.parse(JSON.stringify(config, (key, value: unknown) => (key === 'file' || key === 'source' ? undefined : value)));
}

for (const file of effectiveCases) {
  test(`effective config round trip: ${path.relative(repoRoot, file)}`, () => {
    const config = loadOk(file, { env: fixedEnv, cwd: repoRoot });
    const text = printConfig(configToTree(config), { raw: false });
    const copy = path.join(temp.make(), 'effective.conf');
    fs.writeFileSync(copy, text);
    // No environment: the printed config holds values, not references.
    const again = loadOk(copy, { env: {}, cwd: repoRoot });
    assert.equal(printConfig(configToTree(again), { raw: false }), text);
    assert.deepEqual(comparable(again), comparable(config));
  });
}

// The printer's quoting: each value prints as written here, and reads back as itself.
const quoting: Array<[value: string, printed: string]> = [
  ['', '""'],
  ['plain', 'plain'],
  ['a b', '"a b"'],
  ['a;b', '"a;b"'],
  ['{', '"{"'],
  ['}', '"}"'],
  ['say "hi"', '"say \\"hi\\""'],
  ["it's", '"it\'s"'],
  ['#not-a-comment', '"#not-a-comment"'],
  ['a#b', 'a#b'],
  ['\\.php$', '\\.php$'],
  ['^/(api|v[0-9])/\\d+$', '^/(api|v[0-9])/\\d+$'],
  ['tail\\', 'tail\\\\'],
  ['\\n is two characters', '"\\\\n is two characters"'],
  ['line\nbreak', '"line\\nbreak"'],
  ['tab\there', '"tab\\there"'],
  ['cr\r', '"cr\\r"'],
  ['${NOT_A_VAR}', '"\\${NOT_A_VAR}"'],
  ['\\${X}', '"\\\\\\${X}"'],
  ['$', '$'],
  ['cost$5', 'cost$5'],
  ['${', '"\\${"'],
  ['a\\$', 'a\\\\$'],
  ['ünïcödé 😀', '"ünïcödé 😀"'],
];

test('printer: quotes and escapes only where it must', () => {
  for (const [value, printed] of quoting) {
    const text = printConfig([{ directive: 'add_header', args: ['X-Test', value], file: '', line: 0, col: 0 }], { raw: false });
    assert.equal(text, `add_header X-Test ${printed};\n`, JSON.stringify(value));
    // Read back with a variable of each name set: nothing may be expanded.
    const back = parseText(text, 'quoting.conf', { env: { X: 'expanded', NOT_A_VAR: 'expanded' } });
    assert.deepEqual(formatAll(back.errors), []);
    assert.deepEqual(back.nodes[0]?.args, ['X-Test', value], JSON.stringify(value));
  }
});

test('printer, raw: references and escapes stay as written', () => {
  const source = [
    'listen ${PORT:-8080};',
    'server_name "${HOST}" "www.${HOST}";',
    'env "LABEL=${NAME:-a b}";',
    'env TEMPLATE=\\${LITERAL};',
    'location ~ \\.php$ {}',
    'root \\\\server\\share;',
    "return 200 'it\"s';",
  ].join('\n');
  const expected = [
    'listen ${PORT:-8080};',
    'server_name ${HOST} www.${HOST};',
    'env LABEL=${NAME:-a b};',
    'env "TEMPLATE=\\${LITERAL}";',
    'location ~ \\.php$ {}',
    'root \\\\server\\share;',
    'return 200 "it\\"s";',
    '',
  ].join('\n');
  const raw = parseText(source, 'raw.conf', { env: null });
  assert.deepEqual(formatAll(raw.errors), []);
  const printed = printConfig(raw.nodes, { raw: true });
  assert.equal(printed, expected);
  const env = { PORT: '9000', HOST: 'example.com' };
  assert.deepEqual(shape(parseText(printed, 'raw.conf', { env }).nodes), shape(parseText(source, 'raw.conf', { env }).nodes));
});

test('printer: canonical layout of a cramped file', () => {
  const source = 'workers 2;server{listen 80;location /{proxy app;}location /e{}\nlocation = /x { return 200 \'a b\'; }}\napp{module a.js;}';
  const expected = [
    'workers 2;',
    'server {',
    '    listen 80;',
    '    location / {',
    '        proxy app;',
    '    }',
    '    location /e {}',
    '    location = /x {',
    '        return 200 "a b";',
    '    }',
    '}',
    'app {',
    '    module a.js;',
    '}',
    '',
  ].join('\n');
  assert.equal(printConfig(parseText(source, 'layout.conf', { env: {} }).nodes, { raw: false }), expected);
});

test('printer, raw: comments stay where they were, blank lines collapse to one', () => {
  const source = '# top\nworkers 2;   # why\n\n\n\nserver {   # main\n    listen 80 # first half\n        ssl;\n\n    # alone\n\n    location / { proxy app; }\n}\n# end';
  const expected = [
    '# top',
    'workers 2;  # why',
    '',
    'server {  # main',
    '    listen 80 ssl;  # first half',
    '',
    '    # alone',
    '',
    '    location / {',
    '        proxy app;',
    '    }',
    '}',
    '# end',
    '',
  ].join('\n');
  assert.equal(printConfig(parseText(source, 'comments.conf', { env: null }).nodes, { raw: true }), expected);
});
