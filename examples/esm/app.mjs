// A plain ES module that finishes its set-up with top-level await before it exports its
// handler: each worker waits for the module to load completely before it takes requests.
// Run it: edge run --config examples/esm/edge.conf
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// Stands for slow start-up work: connecting to a database, warming a cache, reading config.
async function loadConfig() {
  await sleep(200);
  const text = await readFile(new URL('./config.json', import.meta.url), 'utf8');
  return { ...JSON.parse(text), loadedAt: new Date().toISOString() };
}

const config = await loadConfig();
let served = 0;

export default (req, res) => {
  served++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ...config, path: req.url, served, pid: process.pid }));
};
