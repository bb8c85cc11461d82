// A static file's Content-Type: the location's `types` lines, then the built-in table (the
// mime-types package), then `default_type`; text types get `; charset=utf-8` as mime-types'
// contentType gives them.

import type MimeTypesModule from 'mime-types';
import type { MimeTypes } from '../../config/types.ts';

// mime-types' table is large (about 20 MB of a process's memory at load): only a front that
// serves files loads it, before it builds its routes, not the master or the workers.
let mime: typeof MimeTypesModule | null = null;

export async function loadMimeTypes(): Promise<void> {
  mime ??= (await import('mime-types')).default;
}

function table(): typeof MimeTypesModule {
  if (mime === null) throw new Error('internal: loadMimeTypes() was not awaited before serving files');
  return mime;
}

/** File path → the Content-Type header value. */
export type TypeResolver = (file: string) => string;

const memoLimit = 1024;

export function typeResolver(types: MimeTypes, defaultType: string): TypeResolver {
  table();
  const fallback = withCharset(defaultType);
  const own = new Map(Object.entries(types.byExtension));
  const multiDot = [...own.keys()].some((ext) => ext.includes('.'));
  // By the name's suffix after its first dot (`min.js`, `js`): few distinct ones per site.
  const memo = new Map<string, string>();
  return (file) => {
    const slash = file.lastIndexOf('/');
    const firstDot = file.indexOf('.', slash + 1);
    if (firstDot === -1 || (firstDot === slash + 1 && file.indexOf('.', firstDot + 1) === -1)) return fallback;
    const suffix = file.slice(firstDot + 1);
    const known = memo.get(suffix);
    if (known !== undefined) return known;
    const type = resolve(suffix.toLowerCase(), own, multiDot, types.builtin) ?? fallback;
    if (memo.size < memoLimit) memo.set(suffix, type);
    return type;
  };
}

function resolve(suffix: string, own: Map<string, string>, multiDot: boolean, builtin: boolean): string | undefined {
  const lastDot = suffix.lastIndexOf('.');
  const ext = lastDot === -1 ? suffix : suffix.slice(lastDot + 1);
  if (multiDot) {
    // `tar.gz` before `gz`: the longest suffix a types line names.
    for (let at = 0; ; ) {
      const type = own.get(suffix.slice(at));
      if (type !== undefined) return withCharset(type);
      const dot = suffix.indexOf('.', at);
      if (dot === -1) break;
      at = dot + 1;
    }
  }
  const type = own.get(ext) ?? (builtin ? table().types[ext] : undefined);
  return type === undefined ? undefined : withCharset(type);
}

function withCharset(type: string): string {
  return table().contentType(type) || type;
}
