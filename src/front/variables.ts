// The values of nginx variables for one request: a template from the configuration (see
// src/config/variables.ts) compiled once into a function that fills it in.

import type { ServerConfig } from '../config/types.ts';
import { parseTemplate } from '../config/variables.ts';
import type { ClientRequest } from './request.ts';

export type RequestContext = { request: ClientRequest; server: ServerConfig; path: string; port: number };

type Getter = (c: RequestContext) => string;

const getters: Readonly<Record<string, Getter>> = {
  scheme: (c) => (c.request.client.encrypted ? 'https' : 'http'),
  https: (c) => (c.request.client.encrypted ? 'on' : ''),
  host: (c) => hostName(c.request.host) || (c.server.serverNames.find((n) => !n.startsWith('~') && !n.includes('*')) ?? ''),
  http_host: (c) => c.request.host ?? '',
  server_name: (c) => c.server.serverNames[0] ?? '',
  server_port: (c) => String(c.port),
  request_uri: (c) => c.request.url,
  uri: (c) => c.path,
  args: (c) => query(c.request.url),
  is_args: (c) => (c.request.url.includes('?') ? '?' : ''),
  request_method: (c) => c.request.method,
  server_protocol: (c) => c.request.protocol,
  remote_addr: (c) => c.request.client.remoteAddress,
  remote_port: (c) => String(c.request.client.remotePort),
  ssl_protocol: (c) => c.request.client.tlsProtocol,
  ssl_cipher: (c) => c.request.client.tlsCipher,
};

/** A template as a function of the request; plain text (no `$`) costs nothing per request. */
export function compileTemplate(text: string): (c: RequestContext) => string {
  const { literals, names } = parseTemplate(text);
  if (names.length === 0) return () => text;
  const parts = names.map((n) => getters[n] as Getter);
  return (c) => {
    let out = literals[0] as string;
    for (let i = 0; i < parts.length; i++) out += (parts[i] as Getter)(c) + (literals[i + 1] as string);
    return out;
  };
}

function hostName(host: string | undefined): string {
  if (host === undefined) return '';
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : host.lastIndexOf(':');
  return (end <= 0 ? host : host.slice(0, end)).toLowerCase();
}

function query(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}
