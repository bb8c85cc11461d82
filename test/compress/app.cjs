// The app behind the compression tests: one response of each kind the filter must tell
// apart, chosen by the last segment of the path (so every location can reach them all).

const zlib = require('node:zlib');
const { makeText, page } = require('./bodies.cjs');

const json = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b', 'c'] })));
const png = makeText(7, 8192).map((b) => b * 7);
// Bytes of big.txt the front has taken so far (written without waiting for 'drain').
let bigWritten = 0;

module.exports = (req, res) => {
  const name = new URL(req.url, 'http://x').pathname.split('/').pop();
  switch (name) {
    case 'page.html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.length, etag: '"v1-page"' });
      res.end(req.method === 'HEAD' ? undefined : page);
      return;
    case 'data.json': {
      // Streamed (chunked), in pieces.
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < json.length; i += 1000) res.write(json.slice(i, i + 1000));
      res.end();
      return;
    }
    case 'image.png':
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
      return;
    case 'already.txt': {
      const body = zlib.gzipSync(page);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
      return;
    }
    case 'partial.txt': {
      const part = page.subarray(100, 2100);
      res.writeHead(206, { 'content-type': 'text/plain', 'content-range': `bytes 100-2099/${page.length}`, 'content-length': part.length });
      res.end(part);
      return;
    }
    case 'tiny.html':
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': 100 });
      res.end(page.subarray(0, 100));
      return;
    case 'tiny-stream.html':
      // No length: the filter cannot know it is small, so it compresses (as nginx).
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page.subarray(0, 100));
      return;
    case 'no-transform.html':
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'public, no-transform', 'content-length': page.length });
      res.end(page);
      return;
    case 'vary.html':
      res.writeHead(200, { 'content-type': 'text/html', vary: 'Origin', etag: 'W/"weak"', 'content-length': page.length });
      res.end(page);
      return;
    case 'missing.html':
      res.writeHead(404, { 'content-type': 'text/html', 'content-length': page.length });
      res.end(page);
      return;
    case 'failed.html':
      res.writeHead(500, { 'content-type': 'text/html', 'content-length': page.length });
      res.end(page);
      return;
    case 'slow.html':
      // A page whose head is sent before the rest is ready: the head must not wait for it.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(page.subarray(0, 600));
      setTimeout(() => res.end(page.subarray(600)), 600);
      return;
    case 'events':
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      setTimeout(() => res.end('data: second\n\n'), 600);
      return;
    case 'big.txt': {
      // 64 KiB pieces of text that compresses to about half, written as fast as the front takes them.
      const count = Number(new URL(req.url, 'http://x').searchParams.get('chunks'));
      res.writeHead(200, { 'content-type': 'text/plain' });
      bigWritten = 0;
      let i = 0;
      const pump = () => {
        while (i < count && !res.destroyed) {
          i++;
          bigWritten += 65536;
          if (!res.write(makeText(i, 65536))) return res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return;
    }
    case 'progress':
      res.end(String(bigWritten));
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such body\n');
  }
};
