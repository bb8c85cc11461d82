'use strict';
// The benchmark's hello-world app: "Hello, World!\n" (14 bytes, text/plain, content-length),
// the same handler in every setup. edge loads this file as its app module (a plain Node
// handler); hello-server.cjs serves it with plain Node (Unix socket or node:cluster on TCP).

const BODY = 'Hello, World!\n';
const HEADERS = { 'Content-Type': 'text/plain', 'Content-Length': '14' };

module.exports = function hello(req, res) {
  res.writeHead(200, HEADERS);
  res.end(BODY);
};
