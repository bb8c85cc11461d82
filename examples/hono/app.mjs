// A Hono app in the Web-standard form: `export default app`, an object with fetch(request).
// edge's workers turn each request into a Request and stream the Response back, so streamed
// responses reach the client as they are written, and request bodies arrive as streams.
// Run it: edge run --config examples/hono/edge.conf
import { Hono } from 'hono';
import { stream } from 'hono/streaming';

const app = new Hono();

app.get('/', (c) => c.text('Hello from Hono\n'));

// A response written in parts: the first part reaches the client before the last is made.
app.get('/stream', (c) =>
  stream(c, async (s) => {
    s.onAbort(() => console.log('hono: the client left during /stream'));
    await s.write('first\n');
    await s.sleep(300);
    await s.write('second\n');
  }),
);

// Reads the whole request body (up to client_max_body_size) and reports its size.
app.post('/upload', async (c) => {
  const body = await c.req.arrayBuffer();
  return c.json({ bytes: body.byteLength, type: c.req.header('content-type') ?? null });
});

app.post('/echo', async (c) => c.json({ received: await c.req.json() }));

export default app;
