/**
 * Wiring of the TLS listener for `fleetpki serve`: the server certificate (issued or
 * loaded, tls-certificate.ts), the EST handler over ca.enrollment, the REST API when
 * `tls.api`, a stapled OCSP answer from our own responder when `tls.stapling` (re-fetched
 * at once when the certificate is renewed or revoked), and a renewal check twice a day that
 * swaps the certificate in place.
 */
import { isIP } from 'node:net';
import { ERROR_KIND, ServiceError, type CertificateAuthority, type ErrorCode } from '@fleetpki/ca';
import { fromPemAll, parseCertificate, type TrustAnchor } from '@fleetpki/core';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from './app.js';
import type { Config } from './config.js';
import type { EstDeps } from './est/handler.js';
import { DEFAULT_TLS_NAMES, ensureServerCredentials, type KeySeal } from './tls-certificate.js';
import { startTlsListener, type TlsListener } from './tls-listener.js';
import type { InProcessEvents } from './events.js';
import { OcspStapler } from './ocsp-stapler.js';

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

/** The last certificate of the chain we serve is the one below the root: its issuer, the root, is our anchor. */
async function rootAnchors(ca: CertificateAuthority): Promise<TrustAnchor[]> {
  const roots = (await ca.deps.store.listCas()).filter((c) => c.role === 'root' && c.certificateDer);
  return roots.map((r) => ({ kind: 'certificate', certificate: parseCertificate(r.certificateDer!) }));
}

/** Our own responder, in process: the same signed answer relying parties get from /ocsp. */
function inProcessStapler(ca: CertificateAuthority, certPem: () => string, anchors: readonly TrustAnchor[], app: FastifyInstance): OcspStapler {
  return new OcspStapler({
    certPem, anchors: () => anchors, now: () => ca.deps.clock.now(), timeoutMs: 3000, retryMs: 30_000, refreshAt: 0.5,
    onError: (err) => app.log.warn({ err }, 'OCSP staple for the TLS certificate not refreshed'),
    source: async (body) => {
      const a = await ca.ocsp.respond(body);
      if (a.status !== 'successful') throw new Error(`our responder answered ${a.status}`);
      return a.response.der;
    },
  });
}

const serialOf = (certPem: string): string => parseCertificate(fromPemAll(certPem, ['CERTIFICATE'])[0]!.der).serial;

export async function startTls(config: Config, ca: CertificateAuthority, seal: KeySeal, app: FastifyInstance, events?: InProcessEvents): Promise<RunningTls | null> {
  const at = config.listenTls;
  if (!at) return null;
  const names = tlsNames(config);
  const first = await ensureServerCredentials(ca, config.dataDir, names, seal);
  let credentials = first.credentials;
  const listener = await startTlsListener({
    host: at.host, port: at.port, keyPem: credentials.keyPem, certPem: credentials.certPem,
    est: estDeps(ca, app), api: config.tls.api ? (req, res) => app.routing(req, res) : null, apiPrefix: API_PREFIX,
  });
  const stapler = config.tls.stapling ? inProcessStapler(ca, () => credentials.certPem, await rootAnchors(ca), app) : null;
  stapler?.attach(listener.server);
  await stapler?.start();
  // A revocation of our own certificate is stapled at once, not at the next refresh.
  const unsubscribe = events?.subscribe((e) => {
    if (e.type === 'certificate.revoked' && e.serial === serialOf(credentials.certPem)) void stapler?.refresh();
  });
  const timer = setInterval(() => {
    ensureServerCredentials(ca, config.dataDir, names, seal).then((r) => {
      if (!r.issued) return;
      credentials = r.credentials;
      listener.setCredentials(r.credentials.keyPem, r.credentials.certPem);
      void stapler?.refresh();
      app.log.info('TLS server certificate renewed');
    }).catch((err: unknown) => app.log.error({ err }, 'TLS server certificate renewal failed'));
  }, TLS_RENEWAL_CHECK_MS);
  timer.unref();
  return { listener, issued: first.issued, close: async () => { clearInterval(timer); unsubscribe?.(); stapler?.stop(); await listener.close(); } };
}
