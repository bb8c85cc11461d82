// Stopping, boot failures, the sync worker class, the request queue, and the control
// commands, through real processes.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { startEdge, stopAllEdges } from '../helpers/edge-server.ts';
import { makeTempDir, runEdge } from '../helpers/process.ts';

const { dir, remove } = makeTempDir('edge-lifecycle-');
after(async () => {
  await stopAllEdges();
  remove();
});

const app = `
import { appendFileSync } from 'node:fs';
let current = 0;
export default async (req, res) => {
  if (req.url.startsWith('/slow')) await new Promise((r) => setTimeout(r, 1500));
  if (req.url === '/count') {
    current++;
    appendFileSync(process.env.COUNT_FILE, process.pid + ' ' + current + '\\n');
    await new Promise((r) => setTimeout(r, 20));
    current--;
  }
  res.end('done ' + req.url);
};
process.on('SIGTERM', () => appendFileSync(process.env.HOOK_FILE ?? '/dev/null', 'SIGTERM ' + process.pid + '\\n'));
process.on('message', (m) => { if (m === 'shutdown') appendFileSync(process.env.HOOK_FILE ?? '/dev/null', 'shutdown ' + process.pid + '\\n'); });
`;
writeFileSync(path.join(dir, 'app.mjs'), app);

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('SIGTERM', () => {
  test('a slow request in flight completes, new connections are refused, the app gets its hooks, exit 0', async () => {
    const hooks = path.join(dir, 'hooks.log');
    writeFileSync(hooks, '');
    writeFileSync(path.join(dir, 'term.conf'), 'workers 2;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'term.conf'], { cwd: dir, env: { HOOK_FILE: hooks } });
    const slow = request(`${edge.url}/slow`);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(edge.pid, 'SIGTERM');
    await edge.waitFor(/stopping gracefully/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await refused(edge.url), true, 'new connections are refused while draining');
    const res = await slow;
    assert.equal(res.statusCode, 200);
    assert.equal(await res.body.text(), 'done /slow');
    const { code } = await edge.exited;
    assert.equal(code, 0);
    const log = readFileSync(hooks, 'utf8');
    assert.equal((log.match(/^SIGTERM \d+$/gm) ?? []).length, 2, log);
    assert.equal((log.match(/^shutdown \d+$/gm) ?? []).length, 2, log);
  });

  test('as PID 1 in a PID namespace (a Docker entrypoint): drains, reaps every worker, exits 0', async () => {
    writeFileSync(path.join(dir, 'pid1.conf'), 'workers 2;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'pid1.conf'], {
      cwd: dir,
      command: ['unshare', '--pid', '--fork', '--kill-child', process.execPath, path.join(import.meta.dirname, '../../src/main.ts')],
    });
    assert.match(edge.output(), /\[1\] \[master\]/, 'the master is PID 1 inside the namespace');
    const slow = request(`${edge.url}/slow`);
    await new Promise((r) => setTimeout(r, 300));
    // The namespace's PID 1 is unshare's child; signal it as `docker stop` would.
    const children = readFileSync(`/proc/${edge.pid}/task/${edge.pid}/children`, 'utf8').trim().split(/\s+/);
    assert.equal(children.length, 1);
    process.kill(Number(children[0]), 'SIGTERM');
    const res = await slow;
    assert.equal(await res.body.text(), 'done /slow');
    const { code } = await edge.exited;
    assert.equal(code, 0);
    assert.match(edge.output(), /\[1\] \[master\] \[info\] edge 1 stopped/);
  });
});

describe('a signal during start-up', () => {
  test('SIGTERM while the app is still booting: the booting workers are stopped, exit 0 at once', async () => {
    writeFileSync(path.join(dir, 'slow-boot.mjs'), 'await new Promise((r) => setTimeout(r, 4000));\nexport default (req, res) => res.end("ok");\n');
    writeFileSync(path.join(dir, 'slow-boot.conf'), 'workers 2;\napp { module slow-boot.mjs; }\nserver { listen 127.0.0.1:0; }\n');
    const edge = await startEdge(['run', '-c', 'slow-boot.conf'], { cwd: dir, expectFailure: true });
    // The workers are booting: they exist, and edge is not serving yet.
    let workers: number[] = [];
    for (let i = 0; i < 100 && workers.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const children = readFileSync(`/proc/${edge.pid}/task/${edge.pid}/children`, 'utf8').trim();
      workers = children === '' ? [] : children.split(/\s+/).map(Number);
    }
    assert.equal(workers.length, 2, edge.output());
    const signalled = Date.now();
    process.kill(edge.pid, 'SIGTERM');
    const { code } = await edge.exited;
    assert.equal(code, 0, edge.output());
    assert.ok(Date.now() - signalled < 3000, 'edge did not wait for the app to finish booting');
    assert.match(edge.output(), /stopping during start-up/);
    assert.doesNotMatch(edge.output(), /serving on|failed to boot|\[error\]/);
    for (const pid of workers) {
      const state = existsSync(`/proc/${pid}/stat`) ? (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').charAt(0) : 'gone';
      assert.ok(state === 'gone' || state === 'Z', `worker ${pid} still runs (state ${state})`);
    }
  });
});

describe('log rotation', () => {
  test('SIGUSR1 and edge reopen reopen error_log after logrotate moved it; SIGUSR2 is refused with a warning; edge serves on', async () => {
    const logFile = path.join(dir, 'edge.log');
    writeFileSync(path.join(dir, 'rotate.conf'), `error_log ${logFile} info;\nworkers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; }\n`);
    const edge = await startEdge(['run', '-c', 'rotate.conf'], { cwd: dir, expectFailure: true });
    const readLog = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    const until = async (check: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(check(), `${what}; log: ${readLog(logFile)}; output: ${edge.output()}`);
    };
    await until(() => /serving on/.test(readLog(logFile)), 'edge did not log "serving on" to its error_log');
    const url = (/serving on (\S+)/.exec(readLog(logFile))?.[1] ?? '').replace(/,$/, '');
    const before = readFileSync(`/proc/${edge.pid}/task/${edge.pid}/children`, 'utf8').trim();
    // What logrotate does: move the file, then signal the master.
    renameSync(logFile, `${logFile}.1`);
    process.kill(edge.pid, 'SIGUSR1');
    await until(() => /reopened the log file/.test(readLog(logFile)), 'no new log file after SIGUSR1');
    assert.match(readLog(`${logFile}.1`), /serving on/);
    assert.doesNotMatch(readLog(`${logFile}.1`), /reopened/);
    // edge reopen does the same over the control socket.
    renameSync(logFile, `${logFile}.2`);
    const reopened = await runEdge(['reopen', '-c', 'rotate.conf'], { cwd: dir });
    assert.equal(reopened.code, 0, reopened.stderr);
    await until(() => /reopened the log file/.test(readLog(logFile)), 'no new log file after edge reopen');
    process.kill(edge.pid, 'SIGUSR2');
    await until(() => /SIGUSR2 \(binary upgrade\) is not supported yet/.test(readLog(logFile)), 'no warning for SIGUSR2');
    // Same processes, still serving; no inspector was opened by the signal.
    assert.equal(readFileSync(`/proc/${edge.pid}/task/${edge.pid}/children`, 'utf8').trim(), before);
    assert.equal(await (await fetch(`${url}/after`)).text(), 'done /after');
    assert.doesNotMatch(edge.output(), /Debugger listening/);
    await edge.stop();
  });
});

describe('control commands', () => {
  test('edge status lists the workers; edge stop stops gracefully; SIGINT stops at once', async () => {
    writeFileSync(path.join(dir, 'ctl.conf'), 'workers 2;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'ctl.conf'], { cwd: dir });
    await request(edge.url).then((r) => r.body.text());
    const status = await runEdge(['status', '-c', 'ctl.conf', '--json'], { cwd: dir });
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { master: number; processes: Array<{ role: string; state: string; served: number }> };
    assert.equal(parsed.master, edge.pid);
    assert.equal(parsed.processes.filter((p) => p.role === 'worker' && p.state === 'ready').length, 2);
    assert.equal(parsed.processes.filter((p) => p.role === 'front').length, 1);
    const table = await runEdge(['status', '-c', 'ctl.conf'], { cwd: dir });
    assert.match(table.stdout, /^ROLE +PID +GEN +APP +STATE +SERVED +IN FLIGHT +RSS +AGE$/m);

    const stop = await runEdge(['stop', '-c', 'ctl.conf'], { cwd: dir });
    assert.equal(stop.code, 0);
    assert.equal(stop.stderr, 'edge: stopping gracefully\n');
    assert.equal((await edge.exited).code, 0);

    const none = await runEdge(['status', '-c', 'ctl.conf'], { cwd: dir });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^edge: no edge master is running with this configuration/);

    const again = await startEdge(['run', '-c', 'ctl.conf'], { cwd: dir });
    process.kill(again.pid, 'SIGINT');
    assert.equal((await again.exited).code, 0);
  });

  test('SIGTTIN and SIGTTOU add and remove a worker', async () => {
    writeFileSync(path.join(dir, 'scale.conf'), 'workers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'scale.conf'], { cwd: dir });
    const workers = async (): Promise<number> => {
      const r = await runEdge(['status', '-c', 'scale.conf', '--json'], { cwd: dir });
      return (JSON.parse(r.stdout) as { processes: Array<{ role: string; state: string }> }).processes.filter(
        (p) => p.role === 'worker' && p.state === 'ready',
      ).length;
    };
    const until = async (n: number): Promise<number> => {
      for (let i = 0; i < 100 && (await workers()) !== n; i++) await new Promise((r) => setTimeout(r, 100));
      return workers();
    };
    process.kill(edge.pid, 'SIGTTIN');
    assert.equal(await until(2), 2);
    process.kill(edge.pid, 'SIGTTOU');
    assert.equal(await until(1), 1);
    await edge.stop();
  });
});

describe('boot failure', () => {
  test("at first start: the app's error and stack in edge's output once, non-zero exit within seconds", async () => {
    writeFileSync(path.join(dir, 'broken.mjs'), 'export default 1;\nthrow new Error("missing DATABASE_URL");\n');
    writeFileSync(path.join(dir, 'broken.conf'), 'workers 3;\napp { module broken.mjs; }\nserver { listen 127.0.0.1:0; }\n');
    const started = Date.now();
    const edge = await startEdge(['run', '-c', 'broken.conf'], { cwd: dir, expectFailure: true });
    const { code } = await edge.exited;
    assert.notEqual(code, 0);
    assert.ok(Date.now() - started < 10_000);
    const out = edge.output();
    assert.equal((out.match(/Error: missing DATABASE_URL/g) ?? []).length, 1, out);
    assert.match(out, /at file:\/\/.*broken\.mjs:2/);
    assert.doesNotMatch(out, /serving on/);
  });
});

describe('files', () => {
  test('pid FILE holds the master pid while edge runs and is removed when it stops', async () => {
    const pidFile = path.join(dir, 'edge.pid');
    writeFileSync(path.join(dir, 'pid.conf'), `pid ${pidFile};\nworkers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; }\n`);
    const edge = await startEdge(['run', '-c', 'pid.conf'], { cwd: dir });
    assert.equal(readFileSync(pidFile, 'utf8'), `${edge.pid}\n`);
    assert.equal((await edge.stop()).code, 0);
    assert.equal(existsSync(pidFile), false);
  });

  test('the run directory is private, and a stale one left by a killed master is taken over', async () => {
    const runDir = path.join(dir, 'run');
    writeFileSync(path.join(dir, 'rundir.conf'), `run_dir ${runDir};\nworkers 1;\napp { module app.mjs; }\nserver { listen 127.0.0.1:0; }\n`);
    const first = await startEdge(['run', '-c', 'rundir.conf'], { cwd: dir });
    assert.equal(statSync(runDir).mode & 0o777, 0o700);
    const sockets = readdirSync(runDir).filter((f) => f.endsWith('.sock'));
    assert.ok(sockets.includes('control.sock') && sockets.some((f) => f.startsWith('worker-')), sockets.join(' '));
    for (const f of sockets) assert.equal(statSync(path.join(runDir, f)).mode & 0o777, 0o600, f);
    // A second master for the same configuration is refused while the first is alive.
    const second = startEdge(['run', '-c', 'rundir.conf'], { cwd: dir, expectFailure: true });
    const refusedStart = await second;
    assert.equal((await refusedStart.exited).code, 1);
    assert.match(refusedStart.output(), /edge is already running with this configuration \(master pid \d+\)/);
    // A crash: the master dies with SIGKILL; its children leave with it, its files stay.
    await first.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(readdirSync(runDir).includes('master.pid'), 'the stale pid file is left behind');
    const third = await startEdge(['run', '-c', 'rundir.conf'], { cwd: dir });
    const res = await request(third.url);
    assert.equal(res.statusCode, 200);
    await res.body.text();
    assert.equal((await third.stop()).code, 0);
    assert.equal(existsSync(runDir), false, 'a clean stop removes the run directory');
  });
});

describe('listening', () => {
  test('an address in use stops the start with a clear error, not a silent random port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      writeFileSync(path.join(dir, 'inuse.conf'), `workers 1;\napp { module app.mjs; }\nserver {\n    listen 127.0.0.1:${port};\n}\n`);
      const edge = await startEdge(['run', '-c', 'inuse.conf'], { cwd: dir, expectFailure: true });
      const { code } = await edge.exited;
      assert.equal(code, 1);
      assert.match(
        edge.output(),
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(inuse\\.conf:4:5\\): the address is already in use \\(EADDRINUSE\\)`),
      );
      assert.doesNotMatch(edge.output(), /serving on/);
    } finally {
      holder.close();
    }
  });
});

describe('dispatch', () => {
  test('sync class: no worker ever handles two requests at once', async () => {
    const counts = path.join(dir, 'counts.log');
    writeFileSync(counts, '');
    writeFileSync(path.join(dir, 'sync.conf'), 'workers 2;\napp { module app.mjs; worker_class sync; }\nserver { listen 127.0.0.1:0; access_log off; }\n');
    const edge = await startEdge(['run', '-c', 'sync.conf'], { cwd: dir, env: { COUNT_FILE: counts } });
    const all = await Promise.all(Array.from({ length: 40 }, () => request(`${edge.url}/count`).then((r) => r.body.text())));
    assert.equal(all.filter((b) => b === 'done /count').length, 40);
    const lines = readFileSync(counts, 'utf8').trim().split('\n');
    assert.equal(lines.length, 40);
    assert.ok(lines.every((l) => l.endsWith(' 1')), `a worker saw concurrent requests:\n${lines.join('\n')}`);
    assert.equal(new Set(lines.map((l) => l.split(' ')[0])).size, 2, 'both workers served');
    await edge.stop();
  });

  test('all workers busy: requests queue; past backlog or queue_timeout, 503 with Retry-After', async () => {
    writeFileSync(
      path.join(dir, 'queue.conf'),
      'workers 1;\napp { module app.mjs; worker_class sync; backlog 2; queue_timeout 500ms; }\nserver { listen 127.0.0.1:0; access_log off; }\n',
    );
    const edge = await startEdge(['run', '-c', 'queue.conf'], { cwd: dir });
    // One in the worker, two waiting, the fourth over the backlog.
    const results = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 50));
        const r = await request(`${edge.url}/slow${i}`);
        return { status: r.statusCode, retryAfter: r.headers['retry-after'], body: await r.body.text() };
      }),
    );
    assert.equal(results[0]?.status, 200);
    const rejected = results.slice(1);
    assert.ok(rejected.every((r) => r.status === 503 && r.retryAfter === '1'), JSON.stringify(results));
    assert.equal(rejected.filter((r) => /backlog/.test(r.body)).length, 1, JSON.stringify(results));
    assert.equal(rejected.filter((r) => /queue_timeout \(0\.5s\)/.test(r.body)).length, 2, JSON.stringify(results));
    await edge.stop();
  });
});

