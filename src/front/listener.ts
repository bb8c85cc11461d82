// The listening side of the front: one server per listening address, and the protocol of
// each connection. Plain addresses give every connection to HTTP/1.x; `listen ... http2`
// without ssl also takes cleartext HTTP/2 with prior knowledge (nginx 1.25+): llhttp stops
// at the client preface and the socket becomes an HTTP/2 session, so plain HTTP/1.x costs
// nothing more. `ssl` addresses terminate TLS (SNI picks the certificate) and ALPN picks the
// protocol: h2 (when the address has `http2`) or http/1.1, which runs on the same llhttp path
// reading straight from the TLS socket's handle.

import net from 'node:net';
import tls from 'node:tls';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { Http1Connection } from './http1-connection.ts';
import { Http2Session, sessionOptions } from './http2-session.ts';
import type { Http2Limits } from './http2-session.ts';
import type { ConnectionHooks, FrontConnection } from './request.ts';

export type ListenerSpec = {
  /** `listen ... http2`: HTTP/2 is offered (ALPN h2, or cleartext prior knowledge). */
  http2: boolean;
  /** The tls.Server options (certificates, SNI, ALPN) of an `ssl` address; null for plain. */
  tls: TlsOptions | null;
  limits: Http2Limits;
  hooks: ConnectionHooks;
  /** Every new client connection, for the front's sweep and graceful stop. */
  track: (connection: FrontConnection) => void;
};

/** ALPN protocols offered on an `ssl` address, most preferred first. */
export function alpnProtocols(http2: boolean): string[] {
  return http2 ? ['h2', 'http/1.1'] : ['http/1.1'];
}

/** A server for one listening address, not listening yet. */
export function createListener(spec: ListenerSpec): net.Server {
  const { limits, hooks, track } = spec;
  const options = sessionOptions(limits);
  if (spec.tls === null) {
    const plainLimits = spec.http2
      ? { ...limits, h2c: (socket: net.Socket, received: Buffer) => track(new Http2Session(socket, false, limits, options, hooks, received)) }
      : limits;
    // Half-open: a client that shuts down its sending side still gets its answers.
    return net.createServer({ allowHalfOpen: true }, (socket) => track(new Http1Connection(socket, false, plainLimits, hooks)));
  }
  const server = tls.createServer({ ...spec.tls, allowHalfOpen: true });
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') track(new Http2Session(socket, true, limits, options, hooks, null));
    else track(new Http1Connection(socket, true, limits, hooks));
  });
  // A failed handshake (no shared protocol or cipher, not TLS at all) only closes that socket.
  server.on('tlsClientError', () => {});
  return server;
}
