// One request with Node's own clients, for scripts/bench.ts to check what a setup answers before
// it is measured: HTTP/1.1 over TCP or a Unix socket, HTTPS/1.1 (no ALPN offered, as wrk) and
// HTTP/2 over TLS (ALPN h2), the certificate checked against the benchmark's own. The body comes
// back as bytes, as sent (not decompressed).

import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

export type Answer = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** What the TLS handshake settled on (TLS answers only). */
  tls?: { protocol: string; cipher: string; alpn: string };
};

export type AskOptions = {
  socketPath?: string;
  /** https: URLs: the PEM certificate to trust (the benchmark's self-signed one). */
  ca?: string;
  /** https: URLs: HTTP/2 instead of HTTP/1.1. */
  h2?: boolean;
  headers?: Record<string, string>;
  timeoutMs?: number;
};

export function ask(url: string, o: AskOptions = {}): Promise<Answer> {
  return o.h2 === true ? askH2(url, o) : askH1(url, o);
}

function tlsOf(socket: TLSSocket): Answer['tls'] {
  return { protocol: socket.getProtocol() ?? '?', cipher: socket.getCipher()?.standardName ?? '?', alpn: socket.alpnProtocol || 'none' };
}

function askH1(url: string, o: AskOptions): Promise<Answer> {
  const secure = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = { agent: false, headers: o.headers, timeout: o.timeoutMs ?? 3000 };
    if (o.socketPath !== undefined) options.socketPath = o.socketPath;
    if (secure) {
      options.ca = o.ca;
      options.servername = 'localhost'; // no ALPN, as wrk sends none
    }
    const req = (secure ? https : http).get(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const answer: Answer = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
        if (secure) answer.tls = tlsOf(res.socket as TLSSocket);
        resolve(answer);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

function askH2(url: string, o: AskOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const session = http2.connect(u.origin, { ca: o.ca, servername: 'localhost', ALPNProtocols: ['h2'] });
    const fail = (error: Error): void => {
      session.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('timed out')), o.timeoutMs ?? 3000);
    session.on('error', fail);
    const stream = session.request({ ':path': `${u.pathname}${u.search}`, ...o.headers });
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader = {};
    stream.on('response', (h) => (head = h));
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('error', fail);
    stream.on('end', () => {
      clearTimeout(timer);
      const { ':status': status, ...headers } = head;
      const answer: Answer = { status: Number(status ?? 0), headers: headers as http.IncomingHttpHeaders, body: Buffer.concat(chunks) };
      answer.tls = tlsOf(session.socket as TLSSocket);
      session.close();
      resolve(answer);
    });
    stream.end();
  });
}
