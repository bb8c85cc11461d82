// The path locations are matched against, normalised as nginx does: percent-decoded, `.`
// and `..` resolved, repeated slashes merged. Null for a path that cannot be (400).

export function normalizePath(url: string): string | null {
  const q = url.indexOf('?');
  const raw = q === -1 ? url : url.slice(0, q);
  if (raw.charCodeAt(0) !== 47) return null;
  // Most paths need no work: no escapes, no dot segments, no doubled slashes.
  if (!raw.includes('%') && !raw.includes('/.') && !raw.includes('//')) return raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const out: string[] = [];
  const segments = decoded.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
      if (last) out.push('');
    } else if (segment === '.' || (segment === '' && !last)) {
      if (last) out.push('');
    } else {
      out.push(segment);
    }
  }
  return `/${out.join('/')}`;
}
