// A TypeScript app run as it is, without a build step: Node strips the types when a worker
// loads it (so only erasable syntax: no enums or namespaces, and `import type` for types).
// It exports an http.Server that is not listening; each worker binds it to its own socket.
// Run it: edge run --config examples/typescript/edge.conf
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Reply = { status: number; body: Record<string, unknown> };

const started: Date = new Date();

function route(method: string, path: string): Reply {
  if (method === 'GET' && path === '/') return { status: 200, body: { hello: 'typescript', started: started.toISOString() } };
  if (method === 'GET' && path === '/health') return { status: 200, body: { ok: true } };
  return { status: 404, body: { error: `no route for ${method} ${path}` } };
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const reply: Reply = route(req.method ?? 'GET', url.pathname);
  res.writeHead(reply.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply.body));
}

export default http.createServer(handle);
