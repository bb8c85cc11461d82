// npm run build: src/ → one CommonJS file (esbuild) → a Node single executable application
// at dist/edge, made from the pinned Node 24 that runs this script.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const bundle = path.join(dist, 'edge.cjs');
const blob = path.join(dist, 'edge.blob');
const seaConfig = path.join(dist, 'sea-config.json');
const executable = path.join(dist, 'edge');
// The fuse string Node's official binaries carry for single executable applications.
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  process.stderr.write(`build: needs Node 24 (the pinned devDependency), running on ${process.version}; use npm run build\n`);
  process.exit(1);
}
if (process.platform !== 'linux') {
  process.stderr.write(`build: builds dist/edge for Linux only, this is ${process.platform}\n`);
  process.exit(1);
}

const started = performance.now();
mkdirSync(dist, { recursive: true });
rmSync(executable, { force: true });

await build({
  entryPoints: [path.join(root, 'src/main.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  legalComments: 'none',
  logLevel: 'warning',
});

writeFileSync(
  seaConfig,
  JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }, null, 2),
);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });

// Build into a temporary name and rename, so dist/edge is never a half-injected binary.
const partial = `${executable}.partial`;
copyFileSync(process.execPath, partial);
chmodSync(partial, 0o755);
const { inject } = createRequire(import.meta.url)('postject') as {
  inject: (file: string, name: string, data: Buffer, options: { sentinelFuse: string }) => Promise<void>;
};
await inject(partial, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: seaFuse });
renameSync(partial, executable);

const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stdout.write(`build: ${path.relative(root, executable)} (node ${process.version}) in ${seconds}s\n`);
