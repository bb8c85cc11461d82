// Golden files: each test/golden/*.conf (and config/edge.conf) is loaded, and its typed
// configuration as JSON must equal the .json file beside it, byte for byte. With
// UPDATE_GOLDEN=1 the .json files are written instead; read the diff before committing it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { formatAll, load, fixedEnv, repoRoot } from './helpers.ts';

// Paths in the output (a listen's `source`) are named relative to the working directory;
// this file runs in its own process, so it may choose it.
process.chdir(repoRoot);

const goldenDir = path.join(repoRoot, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

/** [config file, expected JSON]: the top-level *.conf of test/golden, and the default config. */
const cases: Array<[string, string]> = [
  ...fs
    .readdirSync(goldenDir)
    .filter((name) => name.endsWith('.conf'))
    .sort()
    .map((name): [string, string] => [path.join(goldenDir, name), path.join(goldenDir, name.replace(/\.conf$/, '.json'))]),
  [path.join(repoRoot, 'config', 'edge.conf'), path.join(goldenDir, 'config-edge.json')],
];

function render(file: string): string {
  const result = load(file, { env: fixedEnv, cpus: 2, cwd: repoRoot });
  assert.deepEqual(formatAll(result.errors), [], `${file} must load without errors`);
  return `${JSON.stringify(result.config, null, 2).replaceAll(repoRoot, '<root>')}\n`;
}

test('there are golden configs, and every .json has its .conf', () => {
  assert.ok(cases.length >= 6, `only ${cases.length} golden cases`);
  const expected = new Set(cases.map(([, json]) => path.basename(json)));
  const present = fs.readdirSync(goldenDir).filter((name) => name.endsWith('.json'));
  assert.deepEqual(present.filter((name) => !expected.has(name)), [], 'golden .json files without a config');
});

for (const [file, json] of cases) {
  test(`golden: ${path.relative(repoRoot, file)}`, () => {
    const actual = render(file);
    if (update) {
      fs.writeFileSync(json, actual);
      return;
    }
    assert.ok(fs.existsSync(json), `${path.relative(repoRoot, json)} is missing: run with UPDATE_GOLDEN=1`);
    assert.equal(actual, fs.readFileSync(json, 'utf8'));
  });
}
