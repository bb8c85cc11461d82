// A Fastify app, written as for any host: it awaits fastify.listen({ port: 3000 }) itself.
// Under edge each worker's listen() is bound to the worker's socket instead, and clients use
// the front's port (edge.conf).
// Run it: edge run --config examples/fastify/edge.conf
import Fastify from 'fastify';

const fastify = Fastify({ logger: false });

fastify.get('/', async () => ({ hello: 'fastify', pid: process.pid }));

fastify.get('/items/:id', async (request, reply) => {
  const id = Number(request.params.id);
  if (!Number.isInteger(id) || id < 1) return reply.code(404).send({ error: 'no such item' });
  return { id, name: `item ${id}` };
});

fastify.post('/items', async (request, reply) => {
  reply.code(201);
  return { created: request.body };
});

await fastify.listen({ port: 3000 });
