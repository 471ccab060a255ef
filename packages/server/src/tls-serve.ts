/**
 * Wiring of the TLS listener for `fleetpki serve`: the server certificate (issued or
 * loaded, tls-certificate.ts), the EST handler over ca.enrollment, the REST API when
 * `tls.api`, and a renewal check twice a day that swaps the certificate in place.
 */
import { isIP } from 'node:net';
import { ERROR_KIND, ServiceError, type CertificateAuthority, type ErrorCode } from '@fleetpki/ca';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from './app.js';
import type { Config } from './config.js';
import type { EstDeps } from './est/handler.js';
import { DEFAULT_TLS_NAMES, ensureServerCredentials, type KeySeal } from './tls-certificate.js';
import { startTlsListener, type TlsListener } from './tls-listener.js';

export const TLS_RENEWAL_CHECK_MS = 12 * 3600 * 1000;
const EST_ACTOR = { id: 'est', role: 'system' as const };

/** The names in the server certificate: the configured ones, or localhost, 127.0.0.1 and a specific listen host. */
export function tlsNames(config: Config): string[] {
  if (config.tls.names.length > 0) return [...config.tls.names];
  const host = config.listenTls?.host;
  const specific = host && host !== '0.0.0.0' && host !== '::' && !DEFAULT_TLS_NAMES.includes(host);
  return [...DEFAULT_TLS_NAMES, ...(specific && (isIP(host) || /^[A-Za-z0-9.-]+$/.test(host)) ? [host] : [])];
}

export function estDeps(ca: CertificateAuthority, app: FastifyInstance): EstDeps {
  return {
    service: ca.enrollment,
    auditRefusal: async (r) => {
      // The wire's own codes (415) are audited under REQUEST_INVALID with the code answered.
      const code: ErrorCode = r.code in ERROR_KIND ? (r.code as ErrorCode) : 'REQUEST_INVALID';
      try {
        await ca.recordRefusal(EST_ACTOR, `est.${r.operation}`, r.label, new ServiceError(code, r.reason, { answered: r.code, source: r.source, label: r.label }));
      } catch (err) {
        app.log.error({ err }, 'could not audit an EST refusal');
      }
    },
    onInternalError: (err) => app.log.error({ err }, 'EST request failed'),
  };
}

export interface RunningTls {
  readonly listener: TlsListener;
  readonly issued: boolean;
  close(): Promise<void>;
}

export async function startTls(config: Config, ca: CertificateAuthority, seal: KeySeal, app: FastifyInstance): Promise<RunningTls | null> {
  const at = config.listenTls;
  if (!at) return null;
  const names = tlsNames(config);
  const { credentials, issued } = await ensureServerCredentials(ca, config.dataDir, names, seal);
  const listener = await startTlsListener({
    host: at.host, port: at.port, keyPem: credentials.keyPem, certPem: credentials.certPem,
    est: estDeps(ca, app), api: config.tls.api ? (req, res) => app.routing(req, res) : null, apiPrefix: API_PREFIX,
  });
  const timer = setInterval(() => {
    ensureServerCredentials(ca, config.dataDir, names, seal).then((r) => {
      if (r.issued) { listener.setCredentials(r.credentials.keyPem, r.credentials.certPem); app.log.info('TLS server certificate renewed'); }
    }).catch((err: unknown) => app.log.error({ err }, 'TLS server certificate renewal failed'));
  }, TLS_RENEWAL_CHECK_MS);
  timer.unref();
  return { listener, issued, close: async () => { clearInterval(timer); await listener.close(); } };
}
