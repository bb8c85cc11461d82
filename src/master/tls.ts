// The master's side of TLS: each generation's certificates are read (again) and checked
// before any of its processes starts, and the session ticket keys that every front shares are
// made and rotated here.

import type { EdgeConfig } from '../config/types.ts';
import { EdgeError } from '../errors.ts';
import { log } from '../log.ts';
import { loadTlsMaterial } from '../tls/material.ts';
import { newTicketKeys } from '../tls/ticket-keys.ts';
import { problemText } from '../tls/types.ts';
import type { ServerTls } from '../tls/types.ts';
import type { ArbiterState, Generation } from './arbiter-state.ts';
import { sendToFront } from './children.ts';

/**
 * The generation's TLS material. Warnings are logged; errors (all of them, on one line)
 * reject with the code of the first, so a start fails and a reload keeps the old generation.
 */
export async function loadGenerationTls(config: EdgeConfig): Promise<Array<ServerTls | null>> {
  const { servers, problems } = await loadTlsMaterial(config, { mode: 'run' });
  for (const p of problems) if (p.severity === 'warning') log.warn(problemText(p, false));
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  if (first !== undefined) throw new EdgeError(first.code ?? 'EDGE_ERR_INTERNAL', errors.map((p) => problemText(p)).join('; '));
  for (const tls of servers) {
    if (tls !== null) log.debug(`TLS certificate ${tls.certFile} for ${tls.certNames.join(', ')}, valid until ${new Date(tls.notAfter).toISOString()}`);
  }
  return servers;
}

/** The shortest session timeout among servers with tickets (ms), or null when none has them. */
function rotationPeriod(gen: Generation): number | null {
  const periods = gen.tls.filter((t) => t !== null && t.tickets).map((t) => (t as ServerTls).sessionTimeout * 1000);
  return periods.length === 0 ? null : Math.min(...periods);
}

/** Before a generation's fronts start: the keys they will be given. */
export function prepareTicketKeys(s: ArbiterState, gen: Generation): void {
  if (s.ticketKeys === null && rotationPeriod(gen) !== null) s.ticketKeys = newTicketKeys();
}

/**
 * Once a generation serves: rotate every (shortest) `ssl_session_timeout`. Node's fronts hold
 * one key set at a time, so a ticket older than one rotation is refused and that client does
 * a full handshake. A reload keeps the keys, so sessions survive it.
 */
export function scheduleTicketRotation(s: ArbiterState): void {
  const period = rotationPeriod(s.current);
  if (s.ticketRotation !== null && s.ticketRotation.period === period) return;
  stopTicketRotation(s);
  if (period === null) return;
  const timer = setInterval(() => rotateTicketKeys(s), period);
  timer.unref();
  s.ticketRotation = { period, timer };
}

export function rotateTicketKeys(s: ArbiterState): void {
  s.ticketKeys = newTicketKeys();
  for (const f of s.fronts) if (f.state !== 'dead') sendToFront(f, { type: 'front:ticket-keys', keys: s.ticketKeys });
  log.debug('session ticket keys rotated');
}

export function stopTicketRotation(s: ArbiterState): void {
  if (s.ticketRotation !== null) clearInterval(s.ticketRotation.timer);
  s.ticketRotation = null;
}
