// Malformed configs that fail before the directive table is consulted: reading, encoding,
// lexing, block structure, includes and ${VAR} expansion.

import fs from 'node:fs';
import path from 'node:path';
import type { MalformedCase } from './helpers.ts';

const app = 'app { module app.js; }\n';
const serve = 'server { location / { proxy app; } }\n';

export const syntaxCases: MalformedCase[] = [
  {
    name: 'block not closed before end of file',
    files: { 'edge.conf': `${app}server {\n    location / { proxy app; }\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:2:1: "server" block is not closed: missing "}" before end of file`],
    ],
  },
  {
    name: 'unterminated double-quoted string',
    files: { 'edge.conf': `${app}server { server_name "example.com; }\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:2:22: unterminated string: missing closing " before end of file`],
    ],
  },
  {
    name: 'unterminated single-quoted string',
    files: { 'edge.conf': `${app}${serve}\nuser 'www-data;\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:4:6: unterminated string: missing closing ' before end of file`],
    ],
  },
  {
    name: 'unexpected "}" with no open block',
    files: { 'edge.conf': `${app}}\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:2:1: unexpected "}": no block is open here`],
    ],
  },
  {
    name: 'unexpected ";" where a directive name must be',
    files: { 'edge.conf': `app { module app.js;; }\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:1:21: unexpected ";": a directive name must come first`],
    ],
  },
  {
    name: 'unexpected "{" with no directive name',
    files: { 'edge.conf': `${app}{ workers 2; }\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:2:1: unexpected "{": a block needs a directive name before it`],
    ],
  },
  {
    name: 'missing ";" before "}"',
    files: { 'edge.conf': `${app}server {\n    location / { proxy app }\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:3:18: "proxy" is not terminated by ";" before "}"`],
    ],
  },
  {
    name: 'missing ";" before end of file',
    files: { 'edge.conf': `${app}${serve}workers 2` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:3:1: "workers" is not terminated by ";" before end of file`],
    ],
  },
  {
    name: 'quoted string followed directly by text',
    files: { 'edge.conf': `${app}server {\n    server_name "example.com"www.example.com;\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:3:30: unexpected "w" after a quoted string: separate it with a space or end the directive with ";"`],
    ],
  },
  {
    name: 'columns count characters, not bytes or UTF-16 units',
    files: { 'edge.conf': `${app}server { server_name "café😀"x; }\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:2:29: unexpected "x" after a quoted string: separate it with a space or end the directive with ";"`],
    ],
  },
  {
    name: 'CRLF line endings give the same positions',
    files: { 'edge.conf': `${app}${serve}`.replaceAll('\n', '\r\n') + 'workers 2 {\r\n}\r\n' },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:3:1: "workers" takes no block; end it with ";"`],
    ],
  },
  {
    name: 'after a syntax error the whole-config checks wait: no "no app named"',
    files: { 'edge.conf': `app web { module app.js; }\nserver { location / { proxy nope; } }\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_SYNTAX', `${at('edge.conf')}:3:1: unexpected "}": no block is open here`],
    ],
  },
  {
    name: 'include cycle: a includes b includes a',
    files: {
      'edge.conf': `${app}include a.conf;\n${serve}`,
      'a.conf': '# a\ninclude b.conf;\n',
      'b.conf': 'workers 2;\ninclude a.conf;\n',
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_INCLUDE', `${at('b.conf')}:2:1: include cycle: ${at('a.conf')} → ${at('b.conf')} → ${at('a.conf')}`],
    ],
  },
  {
    name: 'a file that includes itself',
    files: { 'edge.conf': `${app}${serve}include edge.conf;\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_INCLUDE', `${at('edge.conf')}:3:1: include cycle: ${at('edge.conf')} → ${at('edge.conf')}`],
    ],
  },
  {
    name: 'include of a missing file points at the include',
    files: { 'edge.conf': `${app}${serve}\ninclude conf.d/missing.conf;\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_INCLUDE', `${at('edge.conf')}:4:1: cannot include "${at('conf.d/missing.conf')}": no such file`],
    ],
  },
  {
    name: 'include glob that matches nothing is not an error',
    files: { 'edge.conf': `${app}include conf.d/*.conf;\n${serve}`, 'conf.d/readme.txt': 'not a .conf\n' },
    errors: () => [],
  },
  {
    name: 'include of a directory',
    files: { 'edge.conf': `${app}include conf.d;\n${serve}`, 'conf.d/a.conf': 'workers 2;\n' },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_INCLUDE', `${at('edge.conf')}:2:1: cannot include "${at('conf.d')}": it is a directory`],
    ],
  },
  {
    name: 'include of an unreadable file',
    files: { 'edge.conf': `${app}include secret.conf;\n${serve}`, 'secret.conf': 'workers 2;\n' },
    setup: (dir) => fs.chmodSync(path.join(dir, 'secret.conf'), 0o000),
    skip: process.getuid?.() === 0 ? 'root reads any file' : false,
    errors: (at) => [
      ['EDGE_ERR_CONFIG_INCLUDE', `${at('edge.conf')}:2:1: cannot include "${at('secret.conf')}": permission denied`],
    ],
  },
  {
    name: 'include with two arguments, and with none',
    files: { 'edge.conf': `${app}include a.conf b.conf;\ninclude;\n${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:2:1: "include" takes 1 argument (FILE | GLOB), got 2`],
      ['EDGE_ERR_CONFIG_ARGS', `${at('edge.conf')}:3:1: "include" takes 1 argument (FILE | GLOB), got 0`],
    ],
  },
  {
    name: 'the config file itself is missing',
    files: { 'other.conf': `${app}${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_READ', `cannot read config file "${at('edge.conf')}": no such file`],
    ],
  },
  {
    name: 'the config file is a directory',
    files: { 'edge.conf/a.conf': `${app}${serve}` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_READ', `cannot read config file "${at('edge.conf')}": it is a directory`],
    ],
  },
  {
    name: 'invalid UTF-8 names the line and column of the bad byte',
    files: {
      'edge.conf': Buffer.concat([
        Buffer.from(`${app}# café is fine\nserver { server_name "naïve-caf`),
        Buffer.from([0xe9]), // é in Latin-1; the ï before it is one column
        Buffer.from(`.example"; }\n`),
      ]),
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENCODING', `${at('edge.conf')}:3:32: invalid UTF-8: byte 0xe9 at offset 71; save the file as UTF-8`],
    ],
  },
  {
    name: 'invalid UTF-8 in an included file names that file',
    files: {
      'edge.conf': `${app}${serve}include extra.conf;\n`,
      'extra.conf': Buffer.concat([Buffer.from('workers 2;\nuser "'), Buffer.from([0xc0, 0x80]), Buffer.from('";\n')]),
    },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENCODING', `${at('extra.conf')}:2:7: invalid UTF-8: byte 0xc0 at offset 17; save the file as UTF-8`],
    ],
  },
  {
    name: 'unset ${VAR} without a default; ${VAR:-x} with one is fine',
    files: { 'edge.conf': `${app}server {\n    listen \${LISTEN_PORT:-8081};\n    server_name \${SERVER_NAME};\n    location / { proxy app; }\n}\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENV', `${at('edge.conf')}:4:17: environment variable "SERVER_NAME" is not set; set it, or give a default with \${SERVER_NAME:-default}`],
    ],
  },
  {
    // Only the cause: not also what the empty expansion would break.
    name: 'unset ${VAR} in an argument that must be a number',
    files: { 'edge.conf': `${app}${serve}workers \${WORKERS};\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENV', `${at('edge.conf')}:3:9: environment variable "WORKERS" is not set; set it, or give a default with \${WORKERS:-default}`],
    ],
  },
  {
    name: 'unset ${VAR} in an include path',
    files: { 'edge.conf': `${app}${serve}include \${CONF_DIR}/extra.conf;\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENV', `${at('edge.conf')}:3:9: environment variable "CONF_DIR" is not set; set it, or give a default with \${CONF_DIR:-default}`],
    ],
  },
  {
    name: 'unterminated ${',
    files: { 'edge.conf': `${app}${serve}user \${USER_NAME;\n` },
    env: { USER_NAME: 'www' },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENV', `${at('edge.conf')}:3:6: unterminated variable reference "\${USER_NAME;": missing "}"`],
    ],
  },
  {
    name: 'malformed ${...} reference',
    files: { 'edge.conf': `${app}${serve}user \${1USER};\nerror_log \${LOG FILE};\n` },
    errors: (at) => [
      ['EDGE_ERR_CONFIG_ENV', `${at('edge.conf')}:3:6: invalid variable reference "\${1USER}": expected \${NAME} or \${NAME:-default}`],
      ['EDGE_ERR_CONFIG_ENV', `${at('edge.conf')}:4:11: invalid variable reference "\${LOG FILE}": expected \${NAME} or \${NAME:-default}`],
    ],
  },
];
