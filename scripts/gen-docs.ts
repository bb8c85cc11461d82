// `npm run docs`: writes the generated references, docs/configuration.md and docs/errors.md.
// With --check it writes nothing and exits 1 if either file is out of date.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigurationReference } from '../src/docs/config-reference.ts';
import { renderErrorReference } from '../src/docs/error-reference.ts';

const root = path.resolve(import.meta.dirname, '..');

export const generatedDocs: ReadonlyArray<readonly [file: string, render: () => string]> = [
  ['docs/configuration.md', renderConfigurationReference],
  ['docs/errors.md', renderErrorReference],
];

function current(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const [name, render] of generatedDocs) {
    const file = path.join(root, name);
    const text = render();
    if (current(file) === text) {
      console.log(`${name}: up to date`);
      continue;
    }
    if (check) {
      console.error(`${name}: out of date; run \`npm run docs\``);
      stale++;
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`${name}: written`);
  }
  return stale === 0 ? 0 : 1;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
