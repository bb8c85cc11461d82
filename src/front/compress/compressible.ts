// Whether a response's type is one that gzip_types / brotli_types names.

/** The media type of a Content-Type value, lower-case, without parameters (`; charset=...`). */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * Whether `contentType` (parameters allowed, any case) is in `types` (lower-case media types).
 * `*` matches every response, one without a type too, as in nginx; otherwise a response
 * without a type ('') is not compressed.
 */
export function isCompressible(contentType: string, types: ReadonlySet<string>): boolean {
  if (types.has('*')) return true;
  const type = mediaType(contentType);
  return type !== '' && types.has(type);
}
