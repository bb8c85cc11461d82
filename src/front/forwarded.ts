// The heads that cross the front. Upstream: the client's request head without hop-by-hop
// headers, X-Forwarded-* and X-Request-Id set (kept and extended only when the peer is a
// trusted proxy), and the client's identity in edge's private first header. Downstream: the
// worker's response headers without those the front must not pass on (it frames the client
// connection itself).

import { randomUUID } from 'node:crypto';
import { BlockList, isIPv6 } from 'node:net';
import { clientHeader } from '../ipc.ts';
import type { ClientRequest } from './request.ts';
import { connectionNamed, hopByHop } from './http-head.ts';

// Not hop-by-hop, but the front has answered it already (it sends 100 Continue itself).
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

/** The request head sent to the worker, always HTTP/1.1. */
export function upstreamHead(request: ClientRequest, trusted: BlockList | null): string {
  const headers = request.headers;
  const client = request.client;
  const peer = client.remoteAddress;
  const trust = isTrusted(trusted, peer);
  const named = request.connectionHeader === '' ? null : connectionNamed(request.connectionHeader);
  let lines = '';
  let forwardedFor: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedHost: string | undefined;
  let requestId: string | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || lower === answeredByFront || named?.has(lower) === true) continue;
    if (lower === 'host' && request.hostFromTarget) continue;
    if (forwardedNames.has(lower)) {
      if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
      else if (lower === 'x-forwarded-proto') forwardedProto ??= value;
      else if (lower === 'x-forwarded-host') forwardedHost ??= value;
      else if (lower === 'x-request-id') requestId ??= value;
      continue;
    }
    lines += `${name}: ${value}\r\n`;
  }
  const scheme = client.encrypted ? 'https' : 'http';
  // A trusted proxy's client is the last address it appended (nginx real_ip, non-recursive).
  const address = trust && forwardedFor !== undefined ? lastAddress(forwardedFor) : peer;
  const port = address === peer ? client.remotePort : 0;
  const proto = trust && forwardedProto !== undefined ? forwardedProto : scheme;
  // TLS: the version and cipher follow, so the app can read them as from a TLS socket.
  const tls = client.encrypted ? ` ${client.tlsProtocol || '-'} ${client.tlsCipher || '-'}` : '';
  let head = `${request.method} ${request.url} HTTP/1.1\r\n${clientHeader}: ${address} ${port} ${proto}${tls}\r\n${lines}`;
  // The worker speaks HTTP/1.1, where Host is required; an HTTP/1.0 client may not send one.
  if (request.host === undefined) head += 'host: localhost\r\n';
  else if (request.hostFromTarget) head += `host: ${request.host}\r\n`;
  if (request.chunked) head += 'transfer-encoding: chunked\r\n';
  head += `x-forwarded-for: ${trust && forwardedFor !== undefined ? `${forwardedFor}, ${peer}` : peer}\r\nx-forwarded-proto: ${proto}\r\n`;
  const forwardedHostValue = trust && forwardedHost !== undefined ? forwardedHost : request.host;
  if (forwardedHostValue !== undefined) head += `x-forwarded-host: ${forwardedHostValue}\r\n`;
  return `${head}x-request-id: ${trust && requestId !== undefined ? requestId : randomUUID()}\r\n\r\n`;
}

function lastAddress(list: string): string {
  const comma = list.lastIndexOf(',');
  return (comma === -1 ? list : list.slice(comma + 1)).trim();
}

export type ResponseHead = { lines: string; hasLength: boolean; hasDate: boolean };

/** The worker's response headers as `name: value\r\n` lines for the client. */
export function responseHead(headers: readonly string[]): ResponseHead {
  let lines = '';
  let hasLength = false;
  let hasDate = false;
  let connection: string | null = null;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower)) {
      if (lower === 'connection') connection = connection === null ? (headers[i + 1] as string) : `${connection},${headers[i + 1]}`;
      continue;
    }
    if (lower === 'content-length') hasLength = true;
    else if (lower === 'date') hasDate = true;
    lines += `${name}: ${headers[i + 1]}\r\n`;
  }
  const named = connection === null ? null : connectionNamed(connection);
  // Rare: the worker named headers of its own in Connection; build the lines again without them.
  if (named !== null) {
    lines = '';
    for (let i = 0; i < headers.length; i += 2) {
      const lower = (headers[i] as string).toLowerCase();
      if (!hopByHop.has(lower) && !named.has(lower)) lines += `${headers[i]}: ${headers[i + 1]}\r\n`;
    }
  }
  return { lines, hasLength, hasDate };
}
