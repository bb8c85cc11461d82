// Runs a Web-standard `fetch(request) → Response` app (Hono, itty-router, plain objects) on
// node:http: bodies stream both ways with backpressure, repeated headers stay repeated,
// and the request's AbortSignal fires when the client goes away.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { logAppError } from './app-errors.ts';

export type FetchApp = { fetch: (request: Request) => Response | Promise<Response> };

export function fetchListener(app: FetchApp): RequestListener {
  return (req, res) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('the client closed the connection'));
    });
    let request: Request;
    try {
      request = toRequest(req, controller.signal);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad Request\n');
      return;
    }
    Promise.resolve()
      .then(() => app.fetch(request))
      .then((response) => writeResponse(response, res))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        logAppError(error, req);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error\n');
        } else {
          res.destroy();
        }
      });
  };
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    // HTTP/2 pseudo-headers and connection-level headers have no place in a Request.
    if (name.charCodeAt(0) !== 58) headers.append(name, raw[i + 1] as string);
  }
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? 'localhost'}`);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    signal,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    // Node's fetch needs this to accept a streamed request body.
    ...(hasBody ? { duplex: 'half' } : {}),
  } as RequestInit);
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const flat: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') flat.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) flat.push('set-cookie', cookie);
  res.writeHead(response.status, response.statusText || undefined, flat);
  if (response.body === null) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
}
