// An Express app, written as for any host: it calls app.listen(3000) itself. Under edge each
// worker's listen() is bound to the worker's socket instead of port 3000, and the front's
// port (edge.conf) is the one clients use. req.ip, req.secure and req.protocol describe the
// real client, without `trust proxy`: edge tells each worker who the client is.
// Run it: edge run --config examples/express/edge.conf
const express = require('express');

const app = express();

// Who the app thinks the client is, and the headers the front set.
app.get('/whoami', (req, res) => {
  res.json({
    ip: req.ip,
    port: req.socket.remotePort,
    secure: req.secure,
    protocol: req.protocol,
    forwardedFor: req.get('x-forwarded-for') ?? null,
    forwardedProto: req.get('x-forwarded-proto') ?? null,
    requestId: req.get('x-request-id') ?? null,
  });
});

// Every header the app receives, as parsed and as sent.
app.get('/headers', (req, res) => {
  res.json({ headers: req.headers, rawHeaders: req.rawHeaders });
});

// A JSON body in, the same JSON out.
app.post('/echo', express.json(), (req, res) => {
  res.json({ received: req.body });
});

// Two cookies: two Set-Cookie headers reach the client.
app.get('/cookies', (req, res) => {
  res.cookie('session', 'abc123', { httpOnly: true, sameSite: 'lax' });
  res.cookie('theme', 'dark');
  res.json({ cookies: 2 });
});

app.listen(3000, () => {
  console.log(`express app listening in worker ${process.pid}`);
});
