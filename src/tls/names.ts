// Which names a certificate is valid for, and whether it covers a server's `server_name`
// entries. OpenSSL's own host check does the matching (subjectAltName first, the CN only
// without DNS entries, wildcards one label deep), so edge agrees with what clients do.

import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

/** DNS and IP entries of the subjectAltName; the subject's CN when there are none. */
export function certificateNames(cert: X509Certificate): string[] {
  const names: string[] = [];
  for (const entry of splitAltNames(cert.subjectAltName ?? '')) {
    const m = /^(DNS|IP Address):(.*)$/.exec(entry);
    if (m?.[1] === 'DNS') names.push(m[2] as string);
    // OpenSSL writes IPv6 addresses in full (0:0:0:0:0:0:0:1); the URL parser shortens them.
    else if (m) names.push((m[2] as string).includes(':') ? new URL(`http://[${m[2]}]/`).hostname.slice(1, -1) : (m[2] as string));
  }
  if (names.length > 0) return names;
  const cn = /^CN=(.*)$/m.exec(cert.subject)?.[1];
  return cn ? [cn] : [];
}

// Node quotes entries that contain a comma or a quote (JSON-style); others are plain.
function splitAltNames(text: string): string[] {
  const entries: string[] = [];
  const re = /\s*([^,"]*(?:"(?:[^"\\]|\\.)*")?[^,]*)(?:,|$)/g;
  for (const m of text.matchAll(re)) {
    const raw = (m[1] ?? '').trim();
    if (raw === '') continue;
    const q = /^([^:]+):(".*")$/.exec(raw);
    entries.push(q ? `${q[1]}:${JSON.parse(q[2] as string) as string}` : raw);
  }
  return entries;
}

/**
 * The host names a `server_name` entry stands for, in a form a certificate can be checked
 * against: `example.com`; `*.example.com` (any one label); `.example.com` (both). Regular
 * expressions (`~...`), `_`, `""` and nginx's trailing wildcards (`www.example.*`) cannot
 * be checked: null.
 */
function probesOf(serverName: string): string[] | null {
  const name = serverName.toLowerCase();
  if (name === '' || name === '_' || name.startsWith('~') || name.endsWith('.*')) return null;
  // A label no one uses stands for "any": only a wildcard certificate name matches it.
  if (name.startsWith('*.')) return [`edge-any-name${name.slice(1)}`];
  if (name.startsWith('.')) return [name.slice(1), `edge-any-name${name}`];
  return [name];
}

function covers(cert: X509Certificate, host: string): boolean {
  if (isIP(host) !== 0) return cert.checkIP(host) !== undefined;
  return cert.checkHost(host) !== undefined;
}

/**
 * Whether the certificate is valid for at least one of the server's names; true when none
 * of them can be checked (no names, `_`, regular expressions).
 */
export function coversAnyName(cert: X509Certificate, serverNames: readonly string[]): boolean {
  let checkable = false;
  for (const name of serverNames) {
    const probes = probesOf(name);
    if (probes === null) continue;
    checkable = true;
    if (probes.some((p) => covers(cert, p))) return true;
  }
  return !checkable;
}

/** The DNS names a development certificate gets for a server's `server_name` entries. */
export function dnsNamesFor(serverNames: readonly string[]): string[] {
  const names: string[] = [];
  for (const entry of serverNames) {
    const name = entry.toLowerCase();
    if (name === '' || name === '_' || name.startsWith('~') || name.endsWith('.*')) continue;
    if (name.startsWith('.')) names.push(name.slice(1), `*${name}`);
    else names.push(name);
  }
  return names;
}
