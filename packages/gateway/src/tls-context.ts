/**
 * The TLS settings of both listeners (HTTPS and MQTT): TLS 1.2 and 1.3 (mbedTLS devices
 * often speak 1.2 only; RFC 8996 retires the older ones), a client certificate requested
 * and accepted at the TLS layer whatever it is, because admission.ts validates it with
 * core's verifyPath against the gateway's anchors (and gives the refusal a code), and no
 * CA list in the CertificateRequest (bytes a constrained device would read for nothing).
 *
 * Session resumption without the client certificate on the wire: Node's default session
 * tickets are the whole session, client certificate included, encrypted to the client
 * (about 900 bytes each, two per TLS 1.3 handshake). With `sessionTickets: false` the
 * server sets SSL_OP_NO_TICKET and keeps sessions itself (newSession / resumeSession):
 * TLS 1.2 clients resume by session id (RFC 5246 7.4.1.2). TLS 1.3 then gets OpenSSL's
 * stateful tickets (tens of bytes), which Node 20 cannot resume: its external cache is
 * keyed by the legacy session id, which TLS 1.3 clients fill with random bytes
 * (decision 007).
 */
import { constants } from 'node:crypto';
import type { Server, TlsOptions } from 'node:tls';

export interface TlsSettings {
  readonly sessionTickets: boolean;
  readonly sessionCacheEntries: number;
  readonly sessionTimeoutSeconds: number;
}

export interface Credentials {
  readonly keyPem: string;
  /** The certificate, then the CA certificates below the root. */
  readonly certPem: string;
}

export function serverTlsOptions(c: Credentials, s: TlsSettings): TlsOptions {
  return {
    key: c.keyPem, cert: c.certPem,
    minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3',
    requestCert: true, rejectUnauthorized: false,
    sessionTimeout: s.sessionTimeoutSeconds,
    ...(s.sessionTickets ? {} : { secureOptions: constants.SSL_OP_NO_TICKET }),
  };
}

/** Server-side sessions, bounded (oldest out) and expiring with the TLS session timeout. */
export class SessionCache {
  readonly #sessions = new Map<string, { data: Buffer; expires: number }>();

  constructor(private readonly s: TlsSettings) {}

  get size(): number { return this.#sessions.size; }

  attach(server: Server): void {
    if (this.s.sessionTickets || this.s.sessionCacheEntries === 0) return;
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      const key = id.toString('hex');
      this.#sessions.delete(key);
      this.#sessions.set(key, { data, expires: Date.now() + this.s.sessionTimeoutSeconds * 1000 });
      if (this.#sessions.size > this.s.sessionCacheEntries) this.#sessions.delete(this.#sessions.keys().next().value!);
      done();
    });
    server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
      const key = id.toString('hex');
      const hit = this.#sessions.get(key);
      if (hit && hit.expires <= Date.now()) this.#sessions.delete(key);
      done(null, hit && hit.expires > Date.now() ? hit.data : null);
    });
  }
}
