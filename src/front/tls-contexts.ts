// The front side of TLS: one secure context per server with a certificate, the SNI callback
// that picks one by the client's server name (the router's rules: exact, `*.wildcard`,
// regex; an unknown or missing name gets the default server of the address), and the
// options of a listening address's tls.Server.

import crypto from 'node:crypto';
import tls from 'node:tls';
import type { SecureContext, SecureContextOptions, TlsOptions } from 'node:tls';
import type { ServerConfig } from '../config/types.ts';
import type { ServerTls } from '../tls/types.ts';
import type { AddressRouter } from './router.ts';

// Every context of a front resumes the others' sessions: SNI may switch the context after
// the session was looked up.
const sessionIdContext = 'edge';

function contextOptions(settings: ServerTls): SecureContextOptions {
  return {
    cert: settings.cert,
    key: settings.key,
    // ssl_ciphers lists TLS 1.2 ciphers; TLS 1.3 keeps OpenSSL's suites.
    ciphers: settings.ciphers,
    minVersion: settings.minVersion,
    maxVersion: settings.maxVersion,
    // Mozilla intermediate: the client's order (it knows whether it has AES hardware).
    honorCipherOrder: false,
    sessionIdContext,
    sessionTimeout: settings.sessionTimeout,
    secureOptions: settings.tickets ? 0 : crypto.constants.SSL_OP_NO_TICKET,
  };
}

/** The secure contexts of a front, one per server with a certificate, made once and shared by its addresses. */
export class TlsContexts {
  readonly #servers: readonly ServerConfig[];
  readonly #material: ReadonlyArray<ServerTls | null>;
  readonly #contexts = new Map<ServerConfig, SecureContext | null>();

  /** `material`: what the master read for this generation (FrontSpec.tls), index-aligned with `servers`. */
  constructor(servers: readonly ServerConfig[], material: ReadonlyArray<ServerTls | null>) {
    this.#servers = servers;
    this.#material = material;
  }

  /** A server's certificate, key and settings; null for a server without a certificate. */
  settings(server: ServerConfig): ServerTls | null {
    return this.#material[this.#servers.indexOf(server)] ?? null;
  }

  context(server: ServerConfig): SecureContext | null {
    let context = this.#contexts.get(server);
    if (context === undefined) {
      const settings = this.settings(server);
      context = settings === null ? null : tls.createSecureContext(contextOptions(settings));
      this.#contexts.set(server, context);
    }
    return context;
  }

  /**
   * The tls.Server options of the address `key`: the default server's certificate and
   * settings, and an SNI callback choosing by name with `router` (a server there without a
   * certificate gets the default server's). Throws when the default server has none.
   */
  serverOptions(key: string, router: AddressRouter, alpn: readonly string[], handshakeTimeout: number): TlsOptions {
    const primary = router(undefined, '/').server;
    const settings = this.settings(primary);
    if (settings === null) throw new Error(`the default server of ${key} has no ssl_certificate and ssl_certificate_key`);
    const fallback = this.context(primary) as SecureContext;
    return {
      ...contextOptions(settings),
      ALPNProtocols: [...alpn],
      handshakeTimeout,
      SNICallback: (name, done) => {
        let context: SecureContext | null = fallback;
        try {
          context = this.context(router(name, '/').server) ?? fallback;
        } catch {
          // A certificate that cannot be loaded: the default one rather than no answer.
        }
        done(null, context);
      },
    };
  }
}

/**
 * Gives every TLS server of the front the same session ticket keys (48 bytes), so that a
 * session resumes whichever front process the client reaches. The master rotates them.
 */
export function applyTicketKeys(servers: Iterable<unknown>, keys: Buffer): void {
  for (const server of servers) if (server instanceof tls.Server) server.setTicketKeys(keys);
}
