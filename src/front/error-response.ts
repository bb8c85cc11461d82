// The front's own answers: a status, a short plain-text body that says what happened, and
// headers such as Retry-After. Never an HTML page, never a hang.

import type { ClientRequest } from './request.ts';
import { errorText, plainText } from './http-head.ts';

export function sendError(request: ClientRequest, status: number, detail: string, headers: Record<string, string> = {}): void {
  const channel = request.channel;
  if (channel.responseStarted) {
    channel.abort();
    return;
  }
  let lines = `${plainText}cache-control: no-store\r\n`;
  for (const name in headers) lines += `${name}: ${headers[name]}\r\n`;
  channel.respond(request, status, lines, errorText(status, detail));
}
