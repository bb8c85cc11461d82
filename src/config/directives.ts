// The directive table: every directive edge.conf knows, declared once. The builder, `edge
// check`, `edge config` and docs/configuration.md are all derived from it.

import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { formatWhere } from '../errors.ts';
import type { Where } from '../errors.ts';
import type { ConfigKey, Context } from './types.ts';
import {
  InvalidValue,
  defaultCompressedTypes,
  parseChoice,
  parseCidr,
  parseDuration,
  parseEnvAssignment,
  parseHeaderName,
  parseHeaderValue,
  parseInteger,
  parseListen,
  parseMediaType,
  parseSize,
  parseSwitch,
  printDuration,
  printListen,
  printSize,
} from './values.ts';
import type { Listen } from './values.ts';
import type { AddHeader, FileRef, LocationModifier, MimeTypes, OpenFileCache, TryFiles } from './types.ts';
import { parseTemplate } from './variables.ts';
import {
  applyTypes,
  parseLocationName,
  parseOpenFileCache,
  parseTryFiles,
  parseTypesLine,
  printOpenFileCache,
  printTryFiles,
  printTypes,
} from './static-values.ts';

export type ParseContext = {
  where: Where;
  /** Directory of the file the directive stands in: relative paths are resolved from it. */
  baseDir: string;
  cpus: number;
};

export type DirectiveSpec = {
  name: string;
  contexts: readonly Context[];
  /** The arguments as a user writes them, for messages and docs. */
  syntax: string;
  args: readonly [min: number, max: number];
  /** The property it sets in the typed config; null for `include`, which the parser consumes. */
  key: ConfigKey | null;
  /** Opens a block of this context (`server { ... }`). */
  block?: Context;
  /** May appear several times in one block; values are merged with `merge`. */
  repeat?: boolean;
  /** Takes the value of the enclosing block unless set here (nginx's inheritance). */
  inherit?: boolean;
  /** Arguments that give the default value, parsed like user input; null for "not set". */
  default: readonly string[] | null;
  parse: (args: readonly string[], ctx: ParseContext) => unknown;
  merge?: (previous: unknown, item: unknown) => unknown;
  /** Value of a repeatable directive before its first occurrence; an empty list by default. */
  empty?: () => unknown;
  /** Value → the argument lists of the directives that express it (none when unset). */
  print: (value: unknown) => string[][];
  doc: string;
  /** Declared and validated, but the runtime does not act on it yet. */
  planned?: boolean;
  /**
   * The block holds free-form lines rather than directives (nginx's `types`): each line's
   * words go to `parseLine`, and `apply` makes the value from the one the block inherited.
   */
  lines?: {
    parseLine: (words: readonly string[]) => unknown;
    apply: (inherited: unknown, items: readonly unknown[]) => unknown;
    /** The block's lines that give this value; null when no directive is needed. */
    print: (value: unknown) => string[][] | null;
  };
};

type ValueKind = Pick<DirectiveSpec, 'syntax' | 'args' | 'parse' | 'print'>;

const unlimited = Number.MAX_SAFE_INTEGER;

/** Mozilla's "intermediate" TLS 1.2 cipher list (Server Side TLS guidelines, version 5). */
export const mozillaIntermediateCiphers =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305';

const duration: ValueKind = {
  syntax: 'DURATION',
  args: [1, 1],
  parse: (a) => parseDuration(a[0] as string),
  print: (v) => [[printDuration(v as number)]],
};

const size: ValueKind = {
  syntax: 'SIZE',
  args: [1, 1],
  parse: (a) => parseSize(a[0] as string),
  print: (v) => [[printSize(v as number)]],
};

const onOff: ValueKind = {
  syntax: 'on | off',
  args: [1, 1],
  parse: (a) => parseSwitch(a[0] as string),
  print: (v) => [[v ? 'on' : 'off']],
};

function integer(min: number, max: number): ValueKind {
  return {
    syntax: 'NUMBER',
    args: [1, 1],
    parse: (a) => parseInteger(a[0] as string, min, max),
    print: (v) => [[String(v)]],
  };
}

function choice(choices: readonly string[]): ValueKind {
  return {
    syntax: choices.join(' | '),
    args: [1, 1],
    parse: (a) => parseChoice(a[0] as string, choices),
    print: (v) => [[v as string]],
  };
}

/** A path resolved against the directory of the file that names it; `off` where allowed. */
function filePath(syntax: string, offWord?: string): ValueKind {
  return {
    syntax,
    args: [1, 1],
    parse: (a, c) => {
      const given = a[0] as string;
      if (given === offWord) return null;
      const resolved = path.resolve(c.baseDir, given);
      // A trailing slash is kept: for `alias` it decides how the path is joined, as in nginx.
      return given.endsWith('/') && !resolved.endsWith('/') ? `${resolved}/` : resolved;
    },
    print: (v) => (v === null ? (offWord ? [[offWord]] : []) : [[v as string]]),
  };
}

/** A count or `auto` (the number of CPU cores). */
function countOrAuto(max: number): ValueKind {
  return {
    syntax: 'NUMBER | auto',
    args: [1, 1],
    parse: (a, c) => (a[0] === 'auto' ? c.cpus : parseInteger(a[0] as string, 1, max)),
    print: (v) => [[String(v)]],
  };
}

const appendItem = (previous: unknown, item: unknown): unknown => [...(previous as unknown[]), item];
const appendItems = (previous: unknown, items: unknown): unknown => [...(previous as unknown[]), ...(items as unknown[])];

const locationModifiers: readonly LocationModifier[] = ['=', '^~', '~', '~*'];

export const directives: readonly DirectiveSpec[] = [
  // main
  {
    name: 'include',
    contexts: ['main', 'app', 'server', 'location'],
    syntax: 'FILE | GLOB',
    args: [1, 1],
    key: null,
    repeat: true,
    default: null,
    parse: () => null,
    print: () => [],
    doc: 'Inserts other files here, as if their text stood in place of the directive. A relative name is resolved from the including file; a glob (`conf.d/*.conf`) includes every match in name order, and may match nothing.',
  },
  {
    name: 'workers',
    contexts: ['main', 'app'],
    ...countOrAuto(1024),
    key: 'workers',
    inherit: true,
    default: ['auto'],
    doc: 'Number of app worker processes; `auto` is one per CPU core. The environment variable `WEB_CONCURRENCY` and the `--workers` flag override it.',
  },
  {
    name: 'front_processes',
    contexts: ['main'],
    ...countOrAuto(64),
    key: 'frontProcesses',
    default: ['1'],
    doc: 'Number of front processes sharing the listening sockets; `auto` is one per CPU core.',
  },
  {
    name: 'pid',
    contexts: ['main'],
    ...filePath('FILE | off', 'off'),
    key: 'pid',
    default: ['off'],
    doc: "Writes the master's process id to this file while edge runs.",
  },
  {
    name: 'run_dir',
    contexts: ['main'],
    ...filePath('DIRECTORY | auto', 'auto'),
    key: 'runDir',
    default: ['auto'],
    doc: 'Private directory (mode 0700) for the workers\' Unix sockets and the control socket; `auto` is `$XDG_RUNTIME_DIR/edge` or a directory per user under the system temporary directory.',
  },
  {
    name: 'ssl_auto_dir',
    contexts: ['main'],
    ...filePath('DIRECTORY | auto', 'auto'),
    key: 'sslAutoDir',
    default: ['auto'],
    doc: 'Where `ssl_certificate auto` keeps its local CA and the development certificates it signs (directory 0700, keys 0600); `auto` is `$XDG_DATA_HOME/edge/certs`, else `~/.local/share/edge/certs`, so that one CA, trusted once, serves every project of the user.',
  },
  {
    name: 'user',
    contexts: ['main'],
    syntax: 'USER',
    args: [1, 1],
    key: 'user',
    default: null,
    parse: (a) => a[0],
    print: (v) => (v === null ? [] : [[v as string]]),
    doc: 'User that fronts and workers run as, after the master has bound the listening sockets (edge must start as root).',
    planned: true,
  },
  {
    name: 'error_log',
    contexts: ['main'],
    syntax: 'stderr | stdout | FILE [debug | info | warn | error]',
    args: [1, 2],
    key: 'errorLog',
    default: ['stderr', 'info'],
    parse: (a, c) => {
      const [target = '', level = 'info'] = a;
      const resolved = target === 'stderr' || target === 'stdout' ? target : path.resolve(c.baseDir, target);
      return { target: resolved, level: parseChoice(level, ['debug', 'info', 'warn', 'error']) };
    },
    print: (v) => {
      const log = v as { target: string; level: string };
      return [[log.target, log.level]];
    },
    doc: "Where edge's own messages go, and the least severe level written.",
  },
  {
    name: 'graceful_timeout',
    contexts: ['main', 'app'],
    ...duration,
    key: 'gracefulTimeout',
    inherit: true,
    default: ['30s'],
    doc: 'On stop or reload, how long in-flight requests may take to finish before their process is killed.',
  },
  {
    name: 'app',
    contexts: ['main'],
    syntax: '[NAME] { ... }',
    args: [0, 1],
    key: 'apps',
    block: 'app',
    repeat: true,
    default: [],
    parse: (a) => {
      const name = a[0] ?? 'app';
      if (!/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new InvalidValue(`app name must be letters, digits, _ or -, got "${name}"`);
      }
      return { name };
    },
    merge: appendItem,
    print: () => [],
    doc: 'An app: the module the workers run and how the pool runs it. The name (default `app`) is what `proxy` refers to.',
  },
  {
    name: 'server',
    contexts: ['main'],
    syntax: '{ ... }',
    args: [0, 0],
    key: 'servers',
    block: 'server',
    repeat: true,
    default: [],
    parse: () => ({}),
    merge: appendItem,
    print: () => [],
    doc: 'A virtual server: the addresses it listens on, its names, TLS certificate, limits and locations. Without any `server`, edge listens on `$PORT` or 8080 and proxies everything to the app.',
  },

  // app
  {
    name: 'module',
    contexts: ['app'],
    ...filePath('FILE'),
    key: 'module',
    default: null,
    doc: 'The app\'s entry file (CommonJS, ESM or TypeScript), relative to this file. An `APP` argument on the command line overrides it.',
  },
  {
    name: 'chdir',
    contexts: ['app'],
    ...filePath('DIRECTORY'),
    key: 'chdir',
    default: null,
    doc: "Working directory of the app's workers; by default the directory of `module`.",
  },
  {
    name: 'worker_class',
    contexts: ['app'],
    ...choice(['async', 'sync']),
    key: 'workerClass',
    default: ['async'],
    doc: "`async`: a worker takes up to `worker_connections` requests at once (Node apps are asynchronous). `sync`: one request at a time per worker, like gunicorn's sync worker.",
  },
  {
    name: 'worker_connections',
    contexts: ['app'],
    ...integer(1, 1_000_000),
    key: 'workerConnections',
    default: ['1000'],
    doc: 'Most requests one `async` worker is given at once.',
  },
  {
    name: 'timeout',
    contexts: ['app'],
    ...duration,
    key: 'timeout',
    default: ['30s'],
    doc: 'A worker whose event loop is blocked this long (no heartbeat) is killed and replaced; its request gets 502 or 504 and the log says WORKER TIMEOUT.',
  },
  {
    name: 'boot_timeout',
    contexts: ['app'],
    ...duration,
    key: 'bootTimeout',
    default: ['30s'],
    doc: 'How long a worker may take to load the app and start listening.',
  },
  {
    name: 'max_requests',
    contexts: ['app'],
    ...integer(0, unlimited),
    key: 'maxRequests',
    default: ['0'],
    doc: 'A worker that has served this many requests is replaced gracefully (its replacement starts first); 0 turns recycling off.',
  },
  {
    name: 'max_requests_jitter',
    contexts: ['app'],
    ...integer(0, unlimited),
    key: 'maxRequestsJitter',
    default: ['0'],
    doc: 'Adds a random 0..N to each worker\'s `max_requests`, so workers do not all restart together.',
  },
  {
    name: 'max_memory',
    contexts: ['app'],
    syntax: 'SIZE | off',
    args: [1, 1],
    key: 'maxMemory',
    default: ['off'],
    parse: (a) => (a[0] === 'off' ? 0 : parseSize(a[0] as string)),
    print: (v) => [[v === 0 ? 'off' : printSize(v as number)]],
    doc: 'A worker whose resident memory (RSS) grows past this is replaced gracefully.',
  },
  {
    name: 'backlog',
    contexts: ['app'],
    ...integer(0, 1_000_000),
    key: 'backlog',
    default: ['1024'],
    doc: 'Requests that may wait for a free worker when all are at capacity; beyond it, 503 with Retry-After.',
  },
  {
    name: 'queue_timeout',
    contexts: ['app'],
    ...duration,
    key: 'queueTimeout',
    default: ['10s'],
    doc: 'How long a request may wait for a free worker before it gets 503 with Retry-After.',
  },
  {
    name: 'env',
    contexts: ['app'],
    syntax: 'NAME=VALUE',
    args: [1, 1],
    key: 'env',
    repeat: true,
    default: [],
    parse: (a) => parseEnvAssignment(a[0] as string),
    empty: () => ({}),
    merge: (previous, item) => {
      const [name, value] = item as [string, string];
      return { ...(previous as Record<string, string>), [name]: value };
    },
    print: (v) => Object.entries(v as Record<string, string>).map(([k, value]) => [`${k}=${value}`]),
    doc: "Sets an environment variable in the app's workers; repeat it for several.",
  },

  // server
  {
    name: 'listen',
    contexts: ['server'],
    syntax: 'PORT | ADDRESS:PORT | unix:PATH [ssl] [http2] [default_server]',
    args: [1, 4],
    key: 'listen',
    repeat: true,
    default: [],
    parse: (a, c) => parseListen(a, `${c.where.file}:${c.where.line}:${c.where.col}`),
    merge: appendItem,
    print: (v) => (v as Listen[]).map(printListen),
    doc: 'An address the server accepts connections on; without a host, all IPv4 addresses. A server without `listen` listens on 8080. `PORT` and `--port` replace the port of the first plain-HTTP `listen`. `ssl` terminates TLS (see `ssl_certificate`); `http2` offers HTTP/2 beside HTTP/1.1: by ALPN with `ssl`, and without it to clients that start with the HTTP/2 preface (prior knowledge, as nginx 1.25+; no `Upgrade: h2c`). Both belong to the address: one `listen` with them is enough for every server on it. `default_server`: the server for requests (and TLS handshakes) whose name no server claims.',
  },
  {
    name: 'server_name',
    contexts: ['server'],
    syntax: 'NAME ...',
    args: [1, unlimited],
    key: 'serverNames',
    repeat: true,
    default: [],
    parse: (a) => [...a],
    merge: appendItems,
    print: (v) => ((v as string[]).length === 0 ? [] : [[...(v as string[])]]),
    doc: 'Host names this server answers for (`example.com`, `*.example.com`); the first server on an address answers for names no server claims.',
  },
  {
    name: 'ssl_certificate',
    contexts: ['server'],
    syntax: 'FILE | auto',
    args: [1, 1],
    key: 'sslCertificate',
    default: null,
    parse: (a, c): FileRef => ({ path: a[0] === 'auto' ? 'auto' : path.resolve(c.baseDir, a[0] as string), source: formatWhere(c.where) }),
    print: (v) => (v === null ? [] : [[(v as FileRef).path]]),
    doc: 'PEM certificate chain (the server\'s certificate first, then the intermediates) for the `ssl` listeners of this server; a server with an `ssl` listener needs one. `auto`: a development certificate for the server\'s names and localhost, 127.0.0.1 and ::1, signed by a local CA that edge creates in `ssl_auto_dir` (see `edge cert`). Read again on every reload.',
  },
  {
    name: 'ssl_certificate_key',
    contexts: ['server'],
    syntax: 'FILE',
    args: [1, 1],
    key: 'sslCertificateKey',
    default: null,
    parse: (a, c): FileRef => ({ path: path.resolve(c.baseDir, a[0] as string), source: formatWhere(c.where) }),
    print: (v) => (v === null ? [] : [[(v as FileRef).path]]),
    doc: 'PEM private key of `ssl_certificate` (not used with `ssl_certificate auto`). It must match the certificate. Read again on every reload.',
  },
  {
    name: 'ssl_protocols',
    contexts: ['main', 'server'],
    syntax: 'TLSv1.2 | TLSv1.3 ...',
    args: [1, 2],
    key: 'sslProtocols',
    inherit: true,
    default: ['TLSv1.2', 'TLSv1.3'],
    parse: (a) => [...new Set(a.map((p) => parseChoice(p, ['TLSv1.2', 'TLSv1.3'])))].sort(),
    print: (v) => [[...(v as string[])]],
    doc: 'TLS versions accepted. Older versions are not offered at all.',
  },
  {
    name: 'ssl_ciphers',
    contexts: ['main', 'server'],
    syntax: 'CIPHERS',
    args: [1, 1],
    key: 'sslCiphers',
    inherit: true,
    default: [mozillaIntermediateCiphers],
    parse: (a) => {
      const list = a[0] as string;
      // OpenSSL itself judges the list: one that selects no cipher it knows is refused here.
      try {
        createSecureContext({ ciphers: list });
      } catch (error) {
        throw new InvalidValue(`OpenSSL accepts no cipher in "${list}" (${(error as Error).message})`);
      }
      return list;
    },
    print: (v) => [[v as string]],
    doc: 'TLS 1.2 cipher suites, in OpenSSL\'s cipher list format; the default is Mozilla\'s "intermediate" list (ECDHE with AES-GCM or ChaCha20-Poly1305, and DHE ones, which stay unused as edge sets no DH parameters). TLS 1.3 suites stay OpenSSL\'s defaults.',
  },
  {
    name: 'ssl_session_timeout',
    contexts: ['main', 'server'],
    ...duration,
    key: 'sslSessionTimeout',
    inherit: true,
    default: ['5m'],
    doc: 'How long a client may resume a TLS session (nginx\'s default). The session ticket keys, shared by every front process, are replaced this often (the shortest value among the TLS servers): a session older than one rotation gets a full handshake.',
  },
  {
    name: 'ssl_session_tickets',
    contexts: ['main', 'server'],
    ...onOff,
    key: 'sslSessionTickets',
    inherit: true,
    default: ['on'],
    doc: 'Session resumption with TLS session tickets (RFC 5077; in TLS 1.3, the pre-shared keys that replace them).',
  },
  {
    name: 'location',
    contexts: ['server'],
    syntax: '[= | ^~ | ~ | ~*] PATH-OR-REGEX | @NAME { ... }',
    args: [1, 2],
    key: 'locations',
    block: 'location',
    repeat: true,
    default: [],
    parse: (a) => {
      const modifier = (a.length === 2 ? parseChoice(a[0] as string, locationModifiers) : '') as LocationModifier;
      const target = a[a.length - 1] as string;
      if (target.startsWith('@')) {
        if (modifier !== '') throw new InvalidValue(`a named location takes no modifier, got "${modifier}"`);
        parseLocationName(target);
      } else if (modifier === '~' || modifier === '~*') {
        try {
          new RegExp(target, modifier === '~*' ? 'i' : '');
        } catch (error) {
          // V8 says `Invalid regular expression: /SOURCE/FLAGS: REASON`; the reason is what is new.
          const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
          throw new InvalidValue(`invalid regular expression "${target}": ${reason}`);
        }
      } else if (!target.startsWith('/')) {
        throw new InvalidValue(`a location path must start with "/" (or "@" for a named location), got "${target}"`);
      }
      return { modifier, path: target };
    },
    merge: appendItem,
    print: () => [],
    doc: 'Settings for requests whose path matches, chosen as nginx does: `=` exact match first, then the longest prefix (`^~` stops there), then regular expressions (`~`, `~*` case-insensitive) in order, else that longest prefix. A named location (`location @app { ... }`) matches no request path: only `try_files ... @app` leads to it, as in nginx.',
  },

  // inherited from main to server to location
  {
    name: 'client_max_body_size',
    contexts: ['main', 'server', 'location'],
    ...size,
    key: 'clientMaxBodySize',
    inherit: true,
    default: ['1m'],
    doc: 'Largest request body accepted; a larger one gets 413 and the connection is closed once the client has stopped sending. A Content-Length over the limit is refused before the request reaches the app; a chunked body is counted as it arrives and cut off (the worker sees the request abort) as soon as it passes the limit. 0 means no limit.',
  },
  {
    name: 'client_body_buffer_size',
    contexts: ['main', 'server', 'location'],
    ...size,
    key: 'clientBodyBufferSize',
    inherit: true,
    default: ['16k'],
    doc: 'Request bodies up to this size are buffered in memory; larger ones spill to a temporary file.',
    planned: true,
  },
  {
    name: 'proxy_read_timeout',
    contexts: ['main', 'server', 'location'],
    ...duration,
    key: 'proxyReadTimeout',
    inherit: true,
    default: ['60s'],
    doc: 'Longest wait for the app between two reads of its response; past it the client gets 504.',
  },
  {
    name: 'proxy_buffering',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'proxyBuffering',
    inherit: true,
    default: ['on'],
    doc: 'Buffers app responses so that a slow client does not hold a worker; a response with `X-Accel-Buffering: no` is streamed regardless.',
    planned: true,
  },
  {
    name: 'proxy_request_buffering',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'proxyRequestBuffering',
    inherit: true,
    default: ['on'],
    doc: 'Reads the whole request body before a worker is chosen; `off` streams it to the worker as it arrives.',
    planned: true,
  },
  {
    name: 'access_log',
    contexts: ['main', 'server', 'location'],
    syntax: 'stdout | stderr | FILE | off [combined | json]',
    args: [1, 2],
    key: 'accessLog',
    inherit: true,
    default: ['stdout', 'combined'],
    parse: (a, c) => {
      const [target = '', format = 'combined'] = a;
      if (target === 'off') {
        if (a.length > 1) throw new InvalidValue('"off" takes no format');
        return null;
      }
      const resolved = target === 'stdout' || target === 'stderr' ? target : path.resolve(c.baseDir, target);
      return { target: resolved, format: parseChoice(format, ['combined', 'json']) };
    },
    print: (v) => {
      const log = v as { target: string; format: string } | null;
      return [log === null ? ['off'] : [log.target, log.format]];
    },
    doc: 'Where one line per request is written, in the nginx `combined` format or as JSON.',
    planned: true,
  },
  {
    name: 'add_header',
    contexts: ['main', 'server', 'location'],
    syntax: 'NAME VALUE [always]',
    args: [2, 3],
    key: 'addHeaders',
    inherit: true,
    repeat: true,
    default: [],
    parse: (a): AddHeader => {
      if (a.length === 3) parseChoice(a[2] as string, ['always']);
      return { name: parseHeaderName(a[0] as string), value: parseHeaderValue(a[1] as string), always: a.length === 3 };
    },
    merge: appendItem,
    print: (v) => (v as AddHeader[]).map((h) => (h.always ? [h.name, h.value, 'always'] : [h.name, h.value])),
    doc: 'Adds a header to responses with status 200, 201, 204, 206, 301, 302, 303, 304, 307 or 308 (nginx\'s list), or with `always` to every response, edge\'s own errors included. It is added to what the app sent, not in its place. As in nginx, a block with its own `add_header` does not inherit the outer ones. The value is literal text (no nginx variables).',
  },

  // inherited from main to server
  {
    name: 'client_header_timeout',
    contexts: ['main', 'server'],
    ...duration,
    key: 'clientHeaderTimeout',
    inherit: true,
    default: ['60s'],
    doc: 'Longest time a client may take to send a request head, counted from its first byte (from the connection for the first request); then 408 and the connection is closed.',
  },
  {
    name: 'client_body_timeout',
    contexts: ['main', 'server'],
    ...duration,
    key: 'clientBodyTimeout',
    inherit: true,
    default: ['60s'],
    doc: 'Longest pause between two reads of a request body; then 408 and the connection is closed (or only closed, if the response has started). Time when edge itself holds off reading, because the worker is not taking the body yet, does not count.',
  },
  {
    name: 'send_timeout',
    contexts: ['main', 'server'],
    ...duration,
    key: 'sendTimeout',
    inherit: true,
    default: ['60s'],
    doc: 'Longest time a response may wait for a client that does not read it; then the connection is closed (the client sees the response cut short).',
  },
  {
    name: 'keepalive_timeout',
    contexts: ['main', 'server'],
    ...duration,
    key: 'keepaliveTimeout',
    inherit: true,
    default: ['75s'],
    doc: 'How long an idle keep-alive client connection stays open; then it is closed without a response. 0 turns keep-alive off: every response says `Connection: close`, as in nginx.',
  },
  {
    name: 'keepalive_requests',
    contexts: ['main', 'server'],
    ...integer(1, unlimited),
    key: 'keepaliveRequests',
    inherit: true,
    default: ['1000'],
    doc: 'Requests served on one client connection before it is closed.',
  },
  {
    name: 'large_client_header_buffers',
    contexts: ['main', 'server'],
    syntax: 'NUMBER SIZE',
    args: [2, 2],
    key: 'largeClientHeaderBuffers',
    inherit: true,
    default: ['4', '8k'],
    parse: (a) => ({ count: parseInteger(a[0] as string, 1, 1024), size: parseSize(a[1] as string) }),
    print: (v) => {
      const b = v as { count: number; size: number };
      return [[String(b.count), printSize(b.size)]];
    },
    doc: 'Limits of the request head, as in nginx: a request line longer than SIZE gets 414, a header longer than SIZE or a head larger than NUMBER × SIZE gets 431.',
  },
  {
    name: 'trusted_proxies',
    contexts: ['main', 'server'],
    syntax: 'ADDRESS | CIDR ...',
    args: [1, unlimited],
    key: 'trustedProxies',
    inherit: true,
    repeat: true,
    default: [],
    parse: (a) => a.map(parseCidr),
    merge: appendItems,
    print: (v) => ((v as string[]).length === 0 ? [] : [[...(v as string[])]]),
    doc: 'Peers whose X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host are kept and extended (a load balancer in front of edge); from anyone else they are replaced.',
  },

  // http2
  {
    name: 'http2_max_concurrent_streams',
    contexts: ['main', 'server'],
    ...integer(1, 2 ** 31 - 1),
    key: 'http2MaxConcurrentStreams',
    inherit: true,
    default: ['128'],
    doc: 'Streams (requests) one HTTP/2 connection may have open at once, as in nginx: the client is told in SETTINGS, a stream past it is refused (RST_STREAM REFUSED_STREAM), and a client that opens more than twice as many past it is disconnected. Like the other connection limits, it is taken from the first server that listens on the address. HTTP/2 connections also follow `keepalive_timeout` (idle time), `keepalive_requests` (streams per connection, then GOAWAY), `large_client_header_buffers` (a header field longer than SIZE gets 431; a header list larger than NUMBER × SIZE gets 431 or, much larger, the stream is refused) and, per stream, `client_body_timeout` and `send_timeout`, as nginx 1.19.7+ does.',
  },

  // compression: gzip as nginx's ngx_http_gzip_module, brotli with the names of ngx_brotli
  {
    name: 'gzip',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'gzip',
    inherit: true,
    default: ['off'],
    doc: 'Compresses responses with gzip on the fly when the client accepts it (Accept-Encoding, q-values honoured; br is preferred at equal q when `brotli` is on too): responses with status 200, 403 or 404, of a type in `gzip_types`, at least `gzip_min_length` long, not already encoded, not a range, without `Cache-Control: no-transform`, not to HEAD or HTTP/1.0 requests. A compressed response loses its Content-Length, gets `Content-Encoding` and `Vary: Accept-Encoding`, and its strong ETag is made weak; a response that could have been compressed gets `Vary: Accept-Encoding` too (nginx\'s `gzip_vary on`). See docs/compression.md.',
  },
  {
    name: 'gzip_types',
    contexts: ['main', 'server', 'location'],
    syntax: 'MIME-TYPE ... | *',
    args: [1, unlimited],
    parse: (a) => a.map(parseMediaType),
    print: (v) => [[...(v as string[])]],
    key: 'gzipTypes',
    inherit: true,
    default: defaultCompressedTypes,
    doc: 'Media types compressed with gzip (`*` for all); text/html always is. Unlike nginx, whose default is text/html alone, the default lists the common text formats of the web.',
  },
  {
    name: 'gzip_min_length',
    contexts: ['main', 'server', 'location'],
    ...size,
    key: 'gzipMinLength',
    inherit: true,
    default: ['256'],
    doc: 'Responses whose Content-Length is smaller are not compressed (a response without Content-Length always may be). nginx\'s default is 20 bytes; below a few hundred bytes the gzip header and the CPU cost more than they save.',
  },
  {
    name: 'gzip_comp_level',
    contexts: ['main', 'server', 'location'],
    ...integer(1, 9),
    key: 'gzipCompLevel',
    inherit: true,
    default: ['1'],
    doc: 'gzip level, 1 (fastest, nginx\'s default) to 9 (smallest).',
  },
  {
    name: 'brotli',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'brotli',
    inherit: true,
    default: ['off'],
    doc: 'Compresses responses with brotli (`br`) on the fly when the client accepts it, under the same rules as `gzip`; preferred over gzip at equal q.',
  },
  {
    name: 'brotli_types',
    contexts: ['main', 'server', 'location'],
    syntax: 'MIME-TYPE ... | *',
    args: [1, unlimited],
    parse: (a) => a.map(parseMediaType),
    print: (v) => [[...(v as string[])]],
    key: 'brotliTypes',
    inherit: true,
    default: defaultCompressedTypes,
    doc: 'Media types compressed with brotli (`*` for all); text/html always is. The default is that of `gzip_types`.',
  },
  {
    name: 'brotli_min_length',
    contexts: ['main', 'server', 'location'],
    ...size,
    key: 'brotliMinLength',
    inherit: true,
    default: ['256'],
    doc: 'Responses whose Content-Length is smaller are not compressed with brotli.',
  },
  {
    name: 'brotli_comp_level',
    contexts: ['main', 'server', 'location'],
    ...integer(0, 11),
    key: 'brotliCompLevel',
    inherit: true,
    default: ['4'],
    doc: 'brotli quality, 0 (fastest) to 11 (smallest). ngx_brotli\'s default is 6; 4 compresses web text smaller than gzip level 6 at about the cost of gzip level 4, while 6 costs twice as much for about 7% less (measured on edge\'s own sources and docs).',
  },

  // static files
  {
    name: 'root',
    contexts: ['main', 'server', 'location'],
    ...filePath('DIRECTORY'),
    key: 'root',
    inherit: true,
    default: null,
    doc: 'Serves static files from this directory, the request path appended to it (as in nginx). Nothing outside it is ever served: `..` and encoded slashes, dots, backslashes and NUL are refused, and so are symbolic links that lead out of it (see `disable_symlinks`).',
  },
  {
    name: 'alias',
    contexts: ['location'],
    ...filePath('DIRECTORY'),
    key: 'alias',
    default: null,
    doc: 'Serves static files from this directory, the location prefix replaced by it (as in nginx: `location /i/ { alias /data/images/; }` serves /i/a.png from /data/images/a.png). Not in regular-expression locations (nginx needs captures there; use `root`).',
  },
  {
    name: 'index',
    contexts: ['main', 'server', 'location'],
    syntax: 'FILE ...',
    args: [1, unlimited],
    key: 'index',
    inherit: true,
    default: ['index.html'],
    parse: (a) => [...a],
    print: (v) => [[...(v as string[])]],
    doc: 'Files tried, in order, when a static request names a directory (a path ending in `/`); the first that exists is served by an internal redirect, which may match another location, as in nginx. A last name starting with `/` is redirected to whether it exists or not.',
  },
  {
    name: 'try_files',
    contexts: ['location'],
    syntax: 'FILE ... URI | =CODE | @NAME',
    args: [2, unlimited],
    key: 'tryFiles',
    default: null,
    parse: (a) => parseTryFiles(a),
    print: (v) => printTryFiles(v as TryFiles | null),
    doc: 'Serves the first of the files that exists (`$uri`, the request path, may stand in each; a name ending in `/` must be a directory); if none does, the last entry decides: a URI is an internal redirect (matched against the locations again: the single-page-app case `try_files $uri $uri/ /index.html;`), `=CODE` answers with that status, and `@NAME` passes the request to the named location `location @NAME { ... }` (the "file if it exists, else the app" case `try_files $uri @app;` with `location @app { proxy app; }`). Variables: `$uri`, `$args`, `$query_string`, `$is_args`. Needs `root` or `alias`; not in a location with `proxy` (put the proxy in a named location).',
  },
  {
    name: 'autoindex',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'autoindex',
    inherit: true,
    default: ['off'],
    doc: 'A directory without an index file gets a simple HTML listing of its files instead of 403. Hidden files (`dotfiles off`) are left out of it.',
  },
  {
    name: 'expires',
    contexts: ['main', 'server', 'location'],
    syntax: 'DURATION | max | off',
    args: [1, 1],
    key: 'expires',
    inherit: true,
    default: ['off'],
    parse: (a) => (a[0] === 'off' ? null : a[0] === 'max' ? 'max' : parseDuration(a[0] as string)),
    print: (v) => [[v === null ? 'off' : v === 'max' ? 'max' : printDuration(v as number)]],
    doc: 'Sets `Cache-Control: max-age` and `Expires` on static responses (200, 206, 304 and the redirect to a directory\'s slash form); `max` is ten years and `immutable`.',
  },
  {
    name: 'types',
    contexts: ['main', 'server', 'location'],
    syntax: '{ MIME-TYPE EXTENSION ...; ... }',
    args: [0, 0],
    key: 'types',
    inherit: true,
    default: [],
    parse: () => ({ builtin: true, byExtension: {} }),
    print: () => [],
    lines: {
      parseLine: (words) => parseTypesLine(words),
      apply: (inherited, items) => applyTypes(inherited as MimeTypes, items as Array<[string, string[]]>),
      print: (v) => printTypes(v as MimeTypes),
    },
    doc: 'Media types by file extension, as nginx\'s block of `TYPE EXTENSION ...;` lines (`include` works inside it). Unlike nginx, the lines are added to the built-in table (the mime-types package, the one Express uses) and to the types of the enclosing blocks, so `types { text/markdown md; }` does not lose the others; an empty `types {}` removes every type, so that each file gets `default_type` (nginx\'s idiom for forcing downloads). Text types get `; charset=utf-8`.',
  },
  {
    name: 'default_type',
    contexts: ['main', 'server', 'location'],
    syntax: 'MIME-TYPE',
    args: [1, 1],
    key: 'defaultType',
    inherit: true,
    default: ['application/octet-stream'],
    parse: (a) => {
      if (a[0] === '*') throw new InvalidValue('expected a media type such as application/octet-stream, got "*"');
      return parseMediaType(a[0] as string);
    },
    print: (v) => [[v as string]],
    doc: 'The type of a file whose extension has none. The default is what nginx\'s stock nginx.conf sets (nginx\'s built-in one is text/plain).',
  },
  {
    name: 'disable_symlinks',
    contexts: ['main', 'server', 'location'],
    ...choice(['if_outside_root', 'on', 'off']),
    key: 'disableSymlinks',
    inherit: true,
    default: ['if_outside_root'],
    doc: 'Which symbolic links a static file\'s path may go through: `if_outside_root` (the default) follows those whose target stays inside `root`/`alias` and refuses the others with 403; `on` refuses every link below the root; `off` follows any link, as nginx does by default. nginx\'s `if_not_owner` is not supported.',
  },
  {
    name: 'dotfiles',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'dotfiles',
    inherit: true,
    default: ['off'],
    doc: 'Whether files and directories whose name starts with a dot are served. With `off`, a path with such a segment below the root (`/.env`, `/.git/config`, `/a/.htpasswd`) answers 404 as if it did not exist, except `/.well-known/` at the start of the path (RFC 8615: ACME challenges, security.txt), which is served as any directory.',
  },
  {
    name: 'gzip_static',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'gzipStatic',
    inherit: true,
    default: ['off'],
    doc: 'Serves `FILE.gz` in place of `FILE` when it exists and the client accepts gzip, with the original\'s Content-Type, `Content-Encoding: gzip` and `Vary: Accept-Encoding` (nginx\'s gzip_static).',
  },
  {
    name: 'brotli_static',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'brotliStatic',
    inherit: true,
    default: ['off'],
    doc: 'Serves `FILE.br` in place of `FILE` when it exists and the client accepts br (preferred over a `.gz` at equal q), as ngx_brotli\'s brotli_static.',
  },
  {
    name: 'open_file_cache',
    contexts: ['main', 'server', 'location'],
    syntax: 'max=NUMBER [inactive=TIME] | off',
    args: [1, 2],
    key: 'openFileCache',
    inherit: true,
    default: ['max=10000', 'inactive=60s'],
    parse: (a) => parseOpenFileCache(a),
    print: (v) => printOpenFileCache(v as OpenFileCache | null),
    doc: 'Keeps what static requests learn about files in memory (in each front process): whether they exist, their size, time and ETag, and the bodies of small files (see `open_file_cache_max_body`), so that a hot file costs no system call. At most NUMBER files; one not asked for within `inactive` is dropped. Unlike nginx, on by default, and no file descriptors are held open. Blocks with the same settings share one cache.',
  },
  {
    name: 'open_file_cache_valid',
    contexts: ['main', 'server', 'location'],
    ...duration,
    key: 'openFileCacheValid',
    inherit: true,
    default: ['1s'],
    doc: 'How long what the cache knows of a file is trusted before it is checked again (one `stat`): a file changed or deleted on disk is served fresh, or answers 404, at most this long after. nginx\'s default is 60s; edge\'s is short so that edits show at once during development.',
  },
  {
    name: 'open_file_cache_errors',
    contexts: ['main', 'server', 'location'],
    ...onOff,
    key: 'openFileCacheErrors',
    inherit: true,
    default: ['off'],
    doc: 'Also caches that a file does not exist (for `open_file_cache_valid`), so floods of 404s cost no system call; a file created meanwhile is found only after that.',
  },
  {
    name: 'open_file_cache_memory',
    contexts: ['main', 'server', 'location'],
    ...size,
    key: 'openFileCacheMemory',
    inherit: true,
    default: ['32m'],
    doc: 'edge\'s own: the most bytes of file bodies (compressed variants included) one cache holds in memory; the least recently used are dropped first.',
  },
  {
    name: 'open_file_cache_max_body',
    contexts: ['main', 'server', 'location'],
    ...size,
    key: 'openFileCacheMaxBody',
    inherit: true,
    default: ['1m'],
    doc: 'edge\'s own: files up to this size are kept in memory whole; larger ones are read from disk for each request, in 256 KiB chunks. 0 keeps no bodies (metadata only).',
  },

  // location
  {
    name: 'proxy',
    contexts: ['location'],
    syntax: 'APP',
    args: [1, 1],
    key: 'proxy',
    default: null,
    parse: (a) => a[0],
    print: (v) => (v === null ? [] : [[v as string]]),
    doc: 'Passes matching requests to the workers of the named app.',
  },
  {
    name: 'return',
    contexts: ['server', 'location'],
    syntax: 'CODE [TEXT | URL]',
    args: [1, 2],
    key: 'return',
    default: null,
    parse: (a) => {
      const status = parseInteger(a[0] as string, 100, 599);
      const text = a[1] ?? '';
      if ([301, 302, 303, 307, 308].includes(status) && text === '') {
        throw new InvalidValue(`a ${status} redirect needs a URL`);
      }
      parseTemplate(text);
      return { status, text };
    },
    print: (v) => {
      const r = v as { status: number; text: string } | null;
      return r === null ? [] : [r.text === '' ? [String(r.status)] : [String(r.status), r.text]];
    },
    doc: 'Answers at once with this status, and the text as body or, for a redirect, the URL as Location. The text may hold nginx variables (`$scheme`, `$host`, `$request_uri`, ...; the list is in docs/configuration.md under "Variables"). In a `server` it applies to every request before any location is chosen: `return 301 https://$host$request_uri;` is the plain-HTTP-to-HTTPS redirect.',
  },
];

export const directivesByName: ReadonlyMap<string, DirectiveSpec> = new Map(directives.map((d) => [d.name, d]));

export function directivesIn(context: Context): DirectiveSpec[] {
  return directives.filter((d) => d.contexts.includes(context));
}
