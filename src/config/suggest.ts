// "Did you mean" for unknown directives: the closest known name, and the edge names for
// the nginx directives people will write from habit.

const nginxEquivalents: Readonly<Record<string, string>> = {
  proxy_pass: 'proxy',
  upstream: 'app',
  worker_processes: 'front_processes',
  ssl_certificate_file: 'ssl_certificate',
  keepalive: 'keepalive_timeout',
  set_real_ip_from: 'trusted_proxies',
  forwarded_allow_ips: 'trusted_proxies',
  max_requests_per_worker: 'max_requests',
  chroot: 'chdir',
  bind: 'listen',
  port: 'listen',
};

export function suggestDirective(name: string, known: readonly string[]): string | null {
  const equivalent = nginxEquivalents[name];
  if (equivalent !== undefined) return equivalent;
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

// Damerau-Levenshtein (optimal string alignment): a swapped pair of letters costs one.
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}
