// Malformed configurations: each case must give exactly the listed errors, each with its
// code and its `file:line:col: message`, the way `edge check` prints them.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { directiveCases } from './cases-directives.ts';
import { syntaxCases } from './cases-syntax.ts';
import { codesAndLines, load, shown, tempDirs } from './helpers.ts';
import type { MalformedCase } from './helpers.ts';

const temp = tempDirs('malformed');
after(() => temp.removeAll());

const cases: MalformedCase[] = [...syntaxCases, ...directiveCases];

test('the case names are unique', () => {
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});

for (const c of cases) {
  test(c.name, { skip: c.skip || false }, () => {
    const dir = temp.make({ 'app.js': '', ...c.files });
    c.setup?.(dir);
    const file = path.join(dir, 'edge.conf');
    const result = load(file, c.env === undefined ? {} : { env: c.env });
    const abs = (name: string): string => path.join(dir, name);
    const expected = c.errors((name) => shown(abs(name)), abs);
    assert.deepEqual(codesAndLines(result.errors), expected);
    assert.equal(result.config === null, expected.length > 0);
  });
}
