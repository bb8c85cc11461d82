// `edge version`.

import { isSea } from 'node:sea';
import packageJson from '../../package.json' with { type: 'json' };
import type { Command } from './command.ts';
import { out } from './output.ts';

export const edgeVersion: string = packageJson.version;

export const versionCommand: Command = {
  name: 'version',
  usage: 'edge version',
  summary: 'print the version of edge and of the Node.js runtime inside it',
  flags: {},
  maxPositionals: 0,
  run() {
    const build = isSea() ? 'single executable' : 'from source';
    out(`edge ${edgeVersion} (node ${process.version}, ${process.platform}-${process.arch}, ${build})\n`);
    return 0;
  },
};
