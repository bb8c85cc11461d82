// The nginx variables edge knows (`$host`, `$request_uri`, ...), by name, for the directives
// that take them (`return` today, `log_format` later). Checked when the configuration is
// loaded, so an unknown name is a file:line:col error instead of literal text at run time.

import { InvalidValue } from './values.ts';

export const variableNames: ReadonlyMap<string, string> = new Map([
  ['scheme', '`http` or `https`'],
  ['https', '`on` for HTTPS requests, else empty'],
  ['host', 'the Host (or HTTP/2 `:authority`) without its port, lower-cased; the server\'s first name when the request has none'],
  ['http_host', 'the Host header as sent'],
  ['server_name', "the server's first `server_name`"],
  ['server_port', 'the port the request came in on'],
  ['request_uri', 'the request target as sent: path and query'],
  ['uri', 'the path, decoded and normalised (what locations match)'],
  ['args', 'the query string, without `?`'],
  ['is_args', '`?` when there is a query string, else empty'],
  ['request_method', 'the method'],
  ['server_protocol', '`HTTP/1.0`, `HTTP/1.1` or `HTTP/2.0`'],
  ['remote_addr', "the client's address"],
  ['remote_port', "the client's port"],
  ['ssl_protocol', 'the TLS version (`TLSv1.3`), empty without TLS'],
  ['ssl_cipher', 'the TLS cipher (OpenSSL name), empty without TLS'],
]);

/**
 * Text with `$name` references: literal parts and names, alternating. (`${NAME}` is the
 * environment's, expanded when the file is read, before this.)
 */
export type Template = { literals: string[]; names: string[] };

const reference = /\$([a-z_][a-z0-9_]*)/gi;

/** Splits `text` into literals and variable names; an unknown name throws InvalidValue. */
export function parseTemplate(text: string): Template {
  const literals: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of text.matchAll(reference)) {
    const name = (m[1] ?? '').toLowerCase();
    if (!variableNames.has(name)) {
      throw new InvalidValue(`unknown variable "$${name}" (known: ${[...variableNames.keys()].map((n) => `$${n}`).join(', ')})`);
    }
    literals.push(text.slice(last, m.index));
    names.push(name);
    last = (m.index ?? 0) + m[0].length;
  }
  literals.push(text.slice(last));
  return { literals, names };
}
