// The request head the worker gets: hop-by-hop headers dropped, X-Forwarded-* and
// X-Request-Id set (kept and extended only when the peer is a trusted proxy), and the
// client's identity in edge's private first header.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv6 } from 'node:net';
import { clientHeader } from '../ipc.ts';

// Lower-case names; a request's own Connection header can name more.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

// Not hop-by-hop, but the front has answered it already (node:http sends 100 Continue).
const answeredByFront = 'expect';

const forwardedNames = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', clientHeader]);

export function trustedPeers(cidrs: readonly string[]): BlockList | null {
  if (cidrs.length === 0) return null;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function isTrusted(list: BlockList | null, address: string): boolean {
  if (list === null || address === '') return false;
  return list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** The flat [name, value, ...] list undici sends upstream. */
export function upstreamHeaders(req: IncomingMessage, encrypted: boolean, trusted: BlockList | null): string[] {
  const raw = req.rawHeaders;
  const peer = normalizeAddress(req.socket.remoteAddress ?? '');
  const trust = isTrusted(trusted, peer);
  const out: string[] = [clientHeader, ''];
  let connectionTokens: string | undefined;
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let requestId: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower)) {
      if (lower === 'connection') connectionTokens = connectionTokens === undefined ? value : `${connectionTokens},${value}`;
      continue;
    }
    if (lower === answeredByFront) continue;
    if (forwardedNames.has(lower)) {
      if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
      else if (lower === 'x-forwarded-proto') forwardedProto ??= value;
      else if (lower === 'x-forwarded-host') forwardedHost ??= value;
      else if (lower === 'x-request-id') requestId ??= value;
      continue;
    }
    if (lower === 'host') host = value;
    out.push(name, value);
  }
  // Index 0-1 is edge's own header; the forwarded ones are added below.
  if (connectionTokens !== undefined) dropConnectionNamed(out, connectionTokens, 2);
  const scheme = encrypted ? 'https' : 'http';
  // A trusted proxy's client is the last address it appended (nginx real_ip, non-recursive).
  const client = trust && forwardedFor !== undefined ? lastAddress(forwardedFor) : peer;
  const port = client === peer ? (req.socket.remotePort ?? 0) : 0;
  out[1] = `${client} ${port} ${trust && forwardedProto !== undefined ? forwardedProto : scheme}`;
  out.push('x-forwarded-for', trust && forwardedFor !== undefined ? `${forwardedFor}, ${peer}` : peer);
  out.push('x-forwarded-proto', trust && forwardedProto !== undefined ? forwardedProto : scheme);
  const forwardedHostValue = trust && forwardedHost !== undefined ? forwardedHost : host;
  if (forwardedHostValue !== undefined) out.push('x-forwarded-host', forwardedHostValue);
  out.push('x-request-id', trust && requestId !== undefined ? requestId : randomUUID());
  return out;
}

/** Removes from a flat list, after index `from`, the headers a Connection header names. */
function dropConnectionNamed(list: string[], tokens: string, from: number): void {
  const named = new Set(tokens.split(',').map((t) => t.trim().toLowerCase()));
  for (let i = list.length - 2; i >= from; i -= 2) if (named.has((list[i] as string).toLowerCase())) list.splice(i, 2);
}

function lastAddress(list: string): string {
  const comma = list.lastIndexOf(',');
  return (comma === -1 ? list : list.slice(comma + 1)).trim();
}

// IPv4 clients of a dual-stack socket appear as ::ffff:1.2.3.4; apps expect 1.2.3.4.
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The worker's response headers (as undici parsed them: lower-case names, repeated ones as
 * arrays) as a flat list, without those the front must not pass on: it frames the client
 * connection itself.
 */
export function responseHeaderList(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const list: string[] = [];
  for (const name in headers) {
    if (hopByHop.has(name)) continue;
    const value = headers[name];
    if (typeof value === 'string') list.push(name, value);
    else if (value !== undefined) for (const v of value) list.push(name, v);
  }
  const connection = headers.connection;
  if (connection !== undefined) dropConnectionNamed(list, String(connection), 0);
  return list;
}
