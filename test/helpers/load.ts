// Steady client load for fault tests: N concurrent keep-alive clients sending requests in a
// loop until told to stop, counting every outcome. Loopback only, bounded by the caller.

import { Agent, request } from 'undici';

export type LoadResult = { ok: number; failed: number; statuses: Map<number, number>; errors: string[] };

export type Load = { stop: () => Promise<LoadResult>; snapshot: () => LoadResult };

export function startLoad(url: string, options: { concurrency: number; path?: string; method?: string; maxRequests?: number }): Load {
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 10_000 });
  const result: LoadResult = { ok: 0, failed: 0, statuses: new Map(), errors: [] };
  let running = true;
  let sent = 0;
  const target = new URL(options.path ?? '/', url).toString();
  const client = async (): Promise<void> => {
    while (running && (options.maxRequests === undefined || sent < options.maxRequests)) {
      sent++;
      try {
        const res = await request(target, { method: (options.method ?? 'GET') as 'GET', dispatcher: agent, headersTimeout: 30_000, bodyTimeout: 30_000 });
        await res.body.text();
        result.statuses.set(res.statusCode, (result.statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 200) result.ok++;
        else result.failed++;
      } catch (error) {
        result.failed++;
        if (result.errors.length < 10) result.errors.push(String((error as Error).message));
      }
    }
  };
  const clients = Array.from({ length: options.concurrency }, client);
  return {
    snapshot: () => result,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      await agent.close();
      return result;
    },
  };
}
