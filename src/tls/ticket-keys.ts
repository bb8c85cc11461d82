// Session ticket keys: 48 random bytes in the layout tls.Server#setTicketKeys() takes (16
// bytes of key name, 16 of HMAC secret, 16 of AES key). The master makes them and sends the
// same keys to every front, so a ticket issued by one front is accepted by the others.

import { randomBytes } from 'node:crypto';

export const ticketKeyLength = 48;

/** A new key set, encoded for IPC (base64). */
export function newTicketKeys(): string {
  return randomBytes(ticketKeyLength).toString('base64');
}

/** The bytes for `server.setTicketKeys()`; throws on anything but 48 bytes of base64. */
export function decodeTicketKeys(encoded: string): Buffer {
  const keys = Buffer.from(encoded, 'base64');
  if (keys.length !== ticketKeyLength) throw new Error(`session ticket keys must be ${ticketKeyLength} bytes, got ${keys.length}`);
  return keys;
}
