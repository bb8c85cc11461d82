// The smallest edge app: a plain Node request handler, exported. edge's workers call it for
// every request that a `proxy` location sends them.
export default (req, res) => {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end('Hello, World!\n');
};
