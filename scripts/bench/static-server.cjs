'use strict';
// The plain-Node reference of the benchmark's static group: one Node 24 process serving the
// files under ROOT (URL /files/1k.bin → ROOT/files/1k.bin) with node:http, doing per request
// what edge's `open_file_cache` does: what it learned of a file (size, validators, and the
// whole body of a file up to 1 MiB, edge's open_file_cache_max_body) is trusted for 60 s
// (open_file_cache_valid 60s in the benchmark's configurations), so a small file is a
// res.end(buffer) with no system call; a larger one is opened for each request and streamed
// with fs.createReadStream in 256 KiB chunks (edge's read size).
//   node static-server.cjs HOST PORT ROOT
// SIGTERM stops it.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const [host, port, rootArg] = process.argv.slice(2);
const root = path.resolve(rootArg);
const MAX_BODY = 1024 * 1024;
const VALID_MS = 60_000;
const CHUNK = 256 * 1024;

/** path → { file, size, body (null: streamed from disk), headers, checked } */
const cache = new Map();

function plain(res, status) {
  res.writeHead(status, { 'Content-Length': '0' });
  res.end();
}

function lookup(file, done) {
  const known = cache.get(file);
  if (known !== undefined && Date.now() - known.checked < VALID_MS) return done(null, known);
  fs.stat(file, (error, st) => {
    if (error || !st.isFile()) {
      cache.delete(file);
      return done(error || new Error('not a file'));
    }
    const headers = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(st.size),
      'Last-Modified': st.mtime.toUTCString(),
      ETag: `"${Math.floor(st.mtimeMs / 1000).toString(16)}-${st.size.toString(16)}"`,
    };
    const entry = { file, size: st.size, body: null, headers, checked: Date.now() };
    if (st.size > MAX_BODY) {
      cache.set(file, entry);
      return done(null, entry);
    }
    fs.readFile(file, (readError, body) => {
      if (readError) return done(readError);
      // Changed while it was read: serve it, but do not keep it.
      if (body.length === st.size) cache.set(file, entry);
      entry.body = body;
      entry.headers['Content-Length'] = String(body.length);
      done(null, entry);
    });
  });
}

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405);
  const q = req.url.indexOf('?');
  let file;
  try {
    file = path.join(root, decodeURIComponent(q === -1 ? req.url : req.url.slice(0, q)));
  } catch {
    return plain(res, 400);
  }
  if (!file.startsWith(root + path.sep)) return plain(res, 403);
  lookup(file, (error, entry) => {
    if (error) return plain(res, 404);
    res.writeHead(200, entry.headers);
    if (req.method === 'HEAD') return res.end();
    if (entry.body !== null) return res.end(entry.body);
    const stream = fs.createReadStream(entry.file, { highWaterMark: CHUNK });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
});
process.on('SIGTERM', () => process.exit(0));
server.listen(Number(port), host);
