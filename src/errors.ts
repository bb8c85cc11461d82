// The one registry of edge's errors. Every code is stable once published: a code is never
// reused for a different cause, and docs/errors.md is generated from this table.

export const errorCodes = {
  EDGE_ERR_USAGE: {
    exit: 2,
    doc: 'The command line is wrong: an unknown command or flag, a missing or extra argument.',
  },
  EDGE_ERR_CONFIG_READ: {
    exit: 1,
    doc: 'A configuration file could not be read (missing, a directory, or no permission).',
  },
  EDGE_ERR_CONFIG_ENCODING: {
    exit: 1,
    doc: 'A configuration file is not valid UTF-8; the position of the first bad byte is given.',
  },
  EDGE_ERR_CONFIG_SYNTAX: {
    exit: 1,
    doc: 'The text is not well-formed: an unterminated string or block, a missing `;`, an unexpected `{`, `}` or `;`.',
  },
  EDGE_ERR_CONFIG_ENV: {
    exit: 1,
    doc: 'A `${VAR}` reference names an environment variable that is not set and has no `${VAR:-default}`, or is malformed; or a variable edge reads itself (`PORT`, `WEB_CONCURRENCY`) has an invalid value.',
  },
  EDGE_ERR_CONFIG_INCLUDE: {
    exit: 1,
    doc: 'An `include` names a file that cannot be read (missing, a directory, no permission), or files include each other in a cycle.',
  },
  EDGE_ERR_CONFIG_UNKNOWN_DIRECTIVE: {
    exit: 1,
    doc: 'A directive that edge does not know; the message suggests the closest known name.',
  },
  EDGE_ERR_CONFIG_CONTEXT: {
    exit: 1,
    doc: 'A known directive in a block where it is not allowed (for example `module` inside `server`).',
  },
  EDGE_ERR_CONFIG_ARGS: {
    exit: 1,
    doc: 'A directive has the wrong number of arguments, or a block directive without its block (or the reverse).',
  },
  EDGE_ERR_CONFIG_VALUE: {
    exit: 1,
    doc: 'An argument has the wrong form or is out of range (a size, a duration, a port, a number, a choice).',
  },
  EDGE_ERR_CONFIG_DUPLICATE: {
    exit: 1,
    doc: 'A directive that may appear once in its block appears again, or two blocks share a name.',
  },
  EDGE_ERR_CONFIG_REFERENCE: {
    exit: 1,
    doc: 'The configuration is inconsistent as a whole: `proxy` names an app that is not defined, `module` names a file that does not exist, an app has no module, a location has nothing to serve.',
  },
  EDGE_ERR_TLS_CERT_READ: {
    exit: 1,
    doc: 'A file named by `ssl_certificate` or `ssl_certificate_key` cannot be read (missing, a directory, no permission). The message names the file and the directive.',
  },
  EDGE_ERR_TLS_PEM: {
    exit: 1,
    doc: 'A certificate or key file is not PEM, or holds no certificate (or no private key) that OpenSSL can read: a DER file, a key given as the certificate, a truncated or encrypted key.',
  },
  EDGE_ERR_TLS_KEY_MISMATCH: {
    exit: 1,
    doc: "The private key of `ssl_certificate_key` does not belong to the first certificate of `ssl_certificate` (the server's own certificate must come first in the chain).",
  },
  EDGE_ERR_TLS_CERT_EXPIRED: {
    exit: 1,
    doc: 'The server certificate has expired, or is not valid yet (check the clock). Clients would refuse it.',
  },
  EDGE_ERR_TLS_AUTO: {
    exit: 1,
    doc: 'The development certificates of `ssl_certificate auto` cannot be made or used: the directory of `ssl_auto_dir` cannot be created, belongs to another user, or holds a CA whose key does not match its certificate.',
  },
  EDGE_ERR_ROLE: {
    exit: 1,
    doc: 'The executable was started in a role it does not know (the EDGE_ROLE environment variable), or a role process failed to answer.',
  },
  EDGE_ERR_APP_LOAD: {
    exit: 1,
    doc: "The app module could not be loaded; the app's own error and stack follow.",
  },
  EDGE_ERR_APP_BOOT: {
    exit: 1,
    doc: "A worker failed while booting at first start (its app threw, never listened, or exceeded boot_timeout): edge stops with the app's error instead of restarting it in a loop.",
  },
  EDGE_ERR_LISTEN: {
    exit: 1,
    doc: 'A listening address could not be bound: in use, not permitted (ports below 1024 need root or CAP_NET_BIND_SERVICE), or not an address of this machine.',
  },
  EDGE_ERR_RUN_DIR: {
    exit: 1,
    doc: 'The run directory cannot be used safely: not a directory, owned by another user, or readable by others.',
  },
  EDGE_ERR_ALREADY_RUNNING: {
    exit: 1,
    doc: 'A master is already running with this configuration (its pid is in the run directory).',
  },
  EDGE_ERR_CONTROL: {
    exit: 1,
    doc: '`edge reload`, `stop`, `status` or `scale` could not reach a running master, or the master refused the command.',
  },
  EDGE_ERR_INTERNAL: {
    exit: 70,
    doc: 'A defect in edge itself; the stack trace follows. Please report it.',
  },
} as const satisfies Record<string, { exit: number; doc: string }>;

export type ErrorCode = keyof typeof errorCodes;

/** A position in a configuration file; line and column are 1-based. */
export type Where = { readonly file: string; readonly line: number; readonly col: number };

export class EdgeError extends Error {
  readonly code: ErrorCode;
  readonly where: Where | undefined;

  constructor(code: ErrorCode, message: string, where?: Where, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgeError';
    this.code = code;
    this.where = where;
  }

  get exitCode(): number {
    return errorCodes[this.code].exit;
  }
}

export function formatWhere(where: Where): string {
  return `${where.file}:${where.line}:${where.col}`;
}

/** The inverse of formatWhere, for positions kept as text in the typed config (`source`). */
export function parseWhere(text: string): Where | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(text);
  return m ? { file: m[1] as string, line: Number(m[2]), col: Number(m[3]) } : undefined;
}

/** One line a user reads: `file:line:col: message`, or just the message when it has no place. */
export function formatError(error: EdgeError): string {
  return error.where ? `${formatWhere(error.where)}: ${error.message}` : error.message;
}
