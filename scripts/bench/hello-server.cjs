'use strict';
// Plain Node 24 server for the benchmark's comparison setups, serving hello-app.cjs.
//   node hello-server.cjs unix SOCKET_PATH [APP]   one process on a Unix socket (behind nginx);
//                                                  APP: another handler module (text-app.cjs)
//   node hello-server.cjs tcp HOST PORT WORKERS    node:cluster, WORKERS processes sharing the port
// On SIGUSR2 it prints one JSON line to stdout: {"pid","connections","requests"}, the
// connections it has accepted so far (how well the proxy in front keeps upstream connections
// alive). SIGTERM stops it (the cluster primary stops its workers first).

const http = require('node:http');
const cluster = require('node:cluster');
const fs = require('node:fs');

const [mode, a, b, w] = process.argv.slice(2);
const hello = require(mode === 'unix' && b ? require('node:path').resolve(b) : './hello-app.cjs');
const workers = mode === 'tcp' ? Number(w || 0) : 0;

function serve() {
  let connections = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    hello(req, res);
  });
  server.on('connection', () => connections++);
  process.on('SIGUSR2', () => {
    process.stdout.write(`${JSON.stringify({ pid: process.pid, connections, requests })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
  if (mode === 'unix') {
    try { fs.unlinkSync(a); } catch {}
    // nginx workers run as another user (nobody): the socket must be reachable for them.
    server.listen(a, () => fs.chmodSync(a, 0o666));
  } else if (mode === 'tcp') {
    server.listen(Number(b), a);
  } else {
    process.stderr.write('usage: hello-server.cjs unix SOCKET [APP] | tcp HOST PORT WORKERS\n');
    process.exit(2);
  }
}

if (workers > 0 && cluster.isPrimary) {
  const forked = [];
  for (let i = 0; i < workers; i++) forked.push(cluster.fork());
  process.on('SIGUSR2', () => {});
  process.on('SIGTERM', () => {
    for (const worker of forked) worker.process.kill('SIGTERM');
    let left = forked.length;
    for (const worker of forked) worker.process.once('exit', () => --left === 0 && process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
} else {
  serve();
}
