// The front side of TLS: one secure context per server with a certificate, the SNI callback
// that picks one by the client's server name (the router's rules: exact, `*.wildcard`,
// regex; an unknown or missing name gets the default server of the address), and the
// options of a listening address's tls.Server.

import { readFileSync } from 'node:fs';
import crypto from 'node:crypto';
import tls from 'node:tls';
import type { SecureContext, SecureContextOptions, TlsOptions } from 'node:tls';
import type { EdgeConfig, ServerConfig } from '../config/types.ts';
import type { AddressRouter } from './router.ts';

/** A server's certificate chain and key (PEM) and its TLS settings. */
export type ServerTls = {
  cert: string;
  key: string;
  /** `TLSv1.2`, `TLSv1.3` (ssl_protocols). */
  protocols: readonly string[];
  /** OpenSSL cipher list, TLS 1.3 suites (`TLS_...`) included (ssl_ciphers). */
  ciphers: string;
  /** Seconds a session can be resumed (ssl_session_timeout). */
  sessionTimeout: number;
  /** Session tickets (ssl_session_tickets). */
  tickets: boolean;
};

/**
 * Mozilla's "intermediate" configuration (version 5.7): TLS 1.3 suites, then ECDHE with AEAD
 * ciphers for TLS 1.2 (the DHE ones need `dhparam` and are skipped by OpenSSL without one).
 */
export const intermediateCiphers = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * Where the front gets the certificate, key and TLS settings of `config.servers[index]`;
 * null for a server without a certificate. The one place to switch to the PEM material the
 * master sends in FrontSpec (index-aligned with config.servers) once it does.
 */
export function serverTls(config: EdgeConfig, index: number): ServerTls | null {
  const server = config.servers[index];
  if (server === undefined || server.sslCertificate === null || server.sslCertificateKey === null) return null;
  return {
    cert: readFileSync(server.sslCertificate, 'utf8'),
    key: readFileSync(server.sslCertificateKey, 'utf8'),
    protocols: server.sslProtocols,
    ciphers: intermediateCiphers,
    sessionTimeout: 300,
    tickets: true,
  };
}

// Every context of a front resumes the others' sessions: SNI may switch the context after
// the session was looked up.
const sessionIdContext = 'edge';

function contextOptions(settings: ServerTls): SecureContextOptions {
  const versions = [...settings.protocols].sort();
  return {
    cert: settings.cert,
    key: settings.key,
    ciphers: settings.ciphers,
    minVersion: (versions[0] ?? 'TLSv1.2') as tls.SecureVersion,
    maxVersion: (versions[versions.length - 1] ?? 'TLSv1.3') as tls.SecureVersion,
    // Mozilla intermediate: the client's order (it knows whether it has AES hardware).
    honorCipherOrder: false,
    sessionIdContext,
    sessionTimeout: settings.sessionTimeout,
    secureOptions: settings.tickets ? 0 : crypto.constants.SSL_OP_NO_TICKET,
  };
}

/** The secure contexts of a front, one per server with a certificate, made once and shared by its addresses. */
export class TlsContexts {
  readonly #config: EdgeConfig;
  readonly #contexts = new Map<ServerConfig, SecureContext | null>();
  readonly #settings = new Map<ServerConfig, ServerTls | null>();

  constructor(config: EdgeConfig) {
    this.#config = config;
  }

  settings(server: ServerConfig): ServerTls | null {
    let settings = this.#settings.get(server);
    if (settings === undefined) {
      settings = serverTls(this.#config, this.#config.servers.indexOf(server));
      this.#settings.set(server, settings);
    }
    return settings;
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
