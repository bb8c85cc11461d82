// The smallest edge app: a plain Node request handler, exported. edge's workers call it for
// every request that a `proxy` location sends them.
export default (req, res) => {
  if (req.url === '/api/hello') {
    // What the page's script shows: the app sees the real client and whether it came over TLS.
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ message: 'Hello from the app', client: req.socket.remoteAddress, secure: req.socket.encrypted === true, tls: req.socket.getProtocol?.() ?? null }));
    return;
  }
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end('Hello, World!\n');
};
