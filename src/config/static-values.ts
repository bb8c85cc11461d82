// Argument parsers of the static-file directives whose values have a shape of their own:
// try_files, the lines of a `types` block, open_file_cache.

import type { MimeTypes, OpenFileCache, TryFiles } from './types.ts';
import { InvalidValue, parseDuration, parseInteger, printDuration } from './values.ts';

/** The variables try_files knows (nginx's names); others would be silently empty in nginx. */
export const tryFilesVariables: readonly string[] = ['$uri', '$args', '$query_string', '$is_args'];

const variable = /\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^}]*\}/g;

function checkVariables(entry: string): void {
  for (const [name] of entry.matchAll(variable)) {
    if (!tryFilesVariables.includes(name)) {
      throw new InvalidValue(`unknown variable "${name}" in "${entry}"; try_files knows ${tryFilesVariables.join(', ')}`);
    }
  }
}

export function parseTryFiles(args: readonly string[]): TryFiles {
  const files = args.slice(0, -1);
  const last = args[args.length - 1] as string;
  for (const file of files) {
    checkVariables(file);
    if (!file.startsWith('/') && !file.startsWith('$')) {
      throw new InvalidValue(`"${file}" is appended to the root as it is: start it with "/" or "$uri"`);
    }
  }
  let fallback: TryFiles['fallback'];
  if (last.startsWith('=')) {
    fallback = { kind: 'code', status: parseInteger(last.slice(1), 200, 599) };
  } else if (last.startsWith('@')) {
    fallback = { kind: 'named', name: parseLocationName(last) };
  } else {
    checkVariables(last);
    if (!last.startsWith('/') && !last.startsWith('$')) {
      throw new InvalidValue(`the last entry "${last}" must be a URI ("/index.html"), a named location ("@app") or a status ("=404")`);
    }
    fallback = { kind: 'uri', uri: last };
  }
  return { files, fallback };
}

export function printTryFiles(value: TryFiles | null): string[][] {
  if (value === null) return [];
  const f = value.fallback;
  const last = f.kind === 'code' ? `=${f.status}` : f.kind === 'named' ? `@${f.name}` : f.uri;
  return [[...value.files, last]];
}

/** `@name` → `name`. */
export function parseLocationName(text: string): string {
  const name = text.slice(1);
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new InvalidValue(`a named location is "@" and letters, digits, _ or -, got "${text}"`);
  }
  return name;
}

const mediaType = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const extension = /^[a-z0-9][a-z0-9._+-]*$/;

/** One line of a `types` block: `TYPE EXTENSION ...;` → [type, extensions]. */
export function parseTypesLine(words: readonly string[]): [string, string[]] {
  const type = (words[0] as string).toLowerCase();
  if (!mediaType.test(type)) throw new InvalidValue(`expected a media type such as text/css at the start of a types line, got "${words[0]}"`);
  if (words.length < 2) throw new InvalidValue(`"${words[0]}" names no extension: write "${words[0]} EXTENSION ...;"`);
  const extensions = words.slice(1).map((w) => {
    const ext = w.toLowerCase();
    if (!extension.test(ext)) throw new InvalidValue(`expected a file extension without its dot (css, tar.gz), got "${w}"`);
    return ext;
  });
  return [type, extensions];
}

/** A block's lines over what it inherited: entries added (later ones win); an empty block means no table at all. */
export function applyTypes(inherited: MimeTypes, lines: ReadonlyArray<[string, string[]]>): MimeTypes {
  if (lines.length === 0) return { builtin: false, byExtension: {} };
  const byExtension = { ...inherited.byExtension };
  for (const [type, extensions] of lines) for (const ext of extensions) byExtension[ext] = type;
  return { builtin: inherited.builtin, byExtension };
}

/** The lines of a `types` block that gives this value; null when the value is the default. */
export function printTypes(value: MimeTypes): string[][] | null {
  const entries = Object.entries(value.byExtension);
  if (entries.length === 0) return value.builtin ? null : [];
  const byType = new Map<string, string[]>();
  for (const [ext, type] of entries) byType.set(type, [...(byType.get(type) ?? []), ext]);
  return [...byType].map(([type, exts]) => [type, ...exts]);
}

export function parseOpenFileCache(args: readonly string[]): OpenFileCache | null {
  if (args[0] === 'off') {
    if (args.length > 1) throw new InvalidValue('"off" takes nothing after it');
    return null;
  }
  let max = -1;
  let inactive = 60_000;
  for (const arg of args) {
    if (arg.startsWith('max=')) max = parseInteger(arg.slice(4), 1, 10_000_000);
    else if (arg.startsWith('inactive=')) inactive = parseDuration(arg.slice(9));
    else throw new InvalidValue(`expected max=NUMBER [inactive=TIME] or off, got "${arg}"`);
  }
  if (max === -1) throw new InvalidValue('max=NUMBER is required, as in nginx (open_file_cache max=10000 inactive=60s)');
  return { max, inactive };
}

export function printOpenFileCache(value: OpenFileCache | null): string[][] {
  return [value === null ? ['off'] : [`max=${value.max}`, `inactive=${printDuration(value.inactive)}`]];
}
