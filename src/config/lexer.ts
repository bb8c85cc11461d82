// edge.conf text → tokens. nginx's lexical rules: words end at white space, `;`, `{` or
// `}`; both quote styles take backslash escapes; `#` starts a comment only where a token
// could start. edge adds `${VAR}` and `${VAR:-default}`, expanded in every kind of token
// (write `\$` for a literal dollar sign before a brace).

import { EdgeError } from '../errors.ts';
import type { Where } from '../errors.ts';

export type TokenKind = 'word' | '{' | '}' | ';' | 'comment';

export type Token = {
  kind: TokenKind;
  /** The decoded text of a word (escapes resolved, variables expanded unless raw). */
  value: string;
  line: number;
  col: number;
  /** A `${VAR}` in it could not be expanded (reported already): its value is not to be judged. */
  unresolved?: true;
};

export type LexOptions = {
  file: string;
  /**
   * Environment for `${VAR}`. `null` selects raw mode, used by `edge fmt`: references
   * stay as written, and so do the `\\` and `\$` escapes that give them their meaning,
   * so that printing the tokens again reproduces the same references.
   */
  env: Readonly<Record<string, string | undefined>> | null;
  /** Errors that do not stop lexing (an unset variable) are reported here. */
  report: (error: EdgeError) => void;
};

const simpleEscapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'" };
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function lex(text: string, options: LexOptions): Token[] {
  const { file, env, report } = options;
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;

  const at = (l = line, c = col): Where => ({ file, line: l, col: c });

  // Advances one UTF-16 unit; a surrogate pair counts as one column.
  const advance = (): string => {
    const ch = text[i++] as string;
    if (ch === '\n') {
      line++;
      col = 1;
    } else {
      const code = ch.charCodeAt(0);
      if (code < 0xd800 || code > 0xdbff) col++;
    }
    return ch;
  };

  // Reads `${...}` starting at the `$`; returns its expansion (or its text in raw mode).
  const readVariable = (): string => {
    const start = at();
    const open = i;
    advance();
    advance();
    let body = '';
    while (i < text.length && text[i] !== '}') {
      if (text[i] === '\n') break;
      body += advance();
    }
    if (text[i] !== '}') {
      throw new EdgeError('EDGE_ERR_CONFIG_ENV', `unterminated variable reference "${text.slice(open, i)}": missing "}"`, start);
    }
    advance();
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (!variableName.test(name)) {
      unresolved = true;
      report(
        new EdgeError(
          'EDGE_ERR_CONFIG_ENV',
          `invalid variable reference "\${${body}}": expected \${NAME} or \${NAME:-default}`,
          start,
        ),
      );
      return '';
    }
    if (env === null) return `\${${body}}`;
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (sep !== -1) return body.slice(sep + 2);
    if (value === '') return '';
    unresolved = true;
    report(
      new EdgeError(
        'EDGE_ERR_CONFIG_ENV',
        `environment variable "${name}" is not set; set it, or give a default with \${${name}:-default}`,
        start,
      ),
    );
    return '';
  };

  // Reads a backslash escape starting at the backslash.
  const readEscape = (): string => {
    advance();
    if (i >= text.length) return '\\';
    const ch = text[i] as string;
    if (ch === '\\' || ch === '$') {
      advance();
      return env === null ? `\\${ch}` : ch;
    }
    const simple = simpleEscapes[ch];
    if (simple !== undefined) {
      advance();
      return simple;
    }
    // Like nginx, an unknown escape keeps its backslash: `\.php$` stays a regex.
    return '\\';
  };

  const isVariableStart = (): boolean => text[i] === '$' && text[i + 1] === '{';
  let unresolved = false;

  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') {
      advance();
      continue;
    }
    const tokenLine = line;
    const tokenCol = col;
    if (ch === '#') {
      advance();
      let body = '';
      while (i < text.length && text[i] !== '\n') body += advance();
      tokens.push({ kind: 'comment', value: body.replace(/\r$/, ''), line: tokenLine, col: tokenCol });
      continue;
    }
    if (ch === '{' || ch === '}' || ch === ';') {
      advance();
      tokens.push({ kind: ch, value: ch, line: tokenLine, col: tokenCol });
      continue;
    }
    let value = '';
    unresolved = false;
    if (ch === '"' || ch === "'") {
      advance();
      for (;;) {
        if (i >= text.length) {
          throw new EdgeError(
            'EDGE_ERR_CONFIG_SYNTAX',
            `unterminated string: missing closing ${ch} before end of file`,
            at(tokenLine, tokenCol),
          );
        }
        const c = text[i] as string;
        if (c === ch) {
          advance();
          break;
        }
        if (c === '\\') value += readEscape();
        else if (c === '$' && isVariableStart()) value += readVariable();
        else value += advance();
      }
      const next = text[i];
      if (next !== undefined && !/[\s;{}]/.test(next)) {
        throw new EdgeError(
          'EDGE_ERR_CONFIG_SYNTAX',
          `unexpected "${next}" after a quoted string: separate it with a space or end the directive with ";"`,
          at(),
        );
      }
    } else {
      while (i < text.length) {
        const c = text[i] as string;
        if (/[\s;{}]/.test(c)) break;
        if (c === '\\') {
          const escaped = readEscape();
          value += escaped;
          // `\${NAME}` is literal text: its braces stay in the word, as those of `${NAME}` do.
          if (escaped.endsWith('$') && text[i] === '{') {
            value += advance();
            while (i < text.length && !/[\s;{]/.test(text[i] as string)) {
              const b = advance();
              value += b;
              if (b === '}') break;
            }
          }
        } else if (c === '$' && isVariableStart()) value += readVariable();
        else value += advance();
      }
    }
    tokens.push(unresolved ? { kind: 'word', value, line: tokenLine, col: tokenCol, unresolved } : { kind: 'word', value, line: tokenLine, col: tokenCol });
  }
  return tokens;
}
