/**
 * The TLS listener (RFC 7030 3.3: EST runs over TLS only). TLS 1.2 and 1.3 (RFC 8996
 * retires the older ones), a client certificate requested but not required, and any
 * presented certificate accepted at the TLS layer: the use case validates it with
 * verifyPath against the enrollment group's anchors, so bootstrap certificates from
 * manufacturer CAs the TLS stack knows nothing about can enroll. EST is answered here only;
 * the REST API is also answered here when configured; everything else is 404 (OCSP, CRLs,
 * health and metrics stay on the plain HTTP listener, where relying parties fetch them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { estHandler, type EstDeps } from './est/handler.js';
import { httpRefusal } from './est/errors.js';
import { send } from './est/response.js';

export interface TlsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly keyPem: string;
  readonly certPem: string;
  readonly est: EstDeps;
  /** Fastify's request handler for the REST API (`/api/v1/...`), or null to keep the API off TLS. */
  readonly api: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  readonly apiPrefix: string;
}

export interface TlsListener {
  readonly server: Server;
  readonly url: string;
  /** Swaps the certificate for new connections (renewal without a restart). */
  setCredentials(keyPem: string, certPem: string): void;
  close(): Promise<void>;
}

const tlsOptions = (keyPem: string, certPem: string) => ({
  key: keyPem, cert: certPem,
  minVersion: 'TLSv1.2' as const, maxVersion: 'TLSv1.3' as const,
  requestCert: true, rejectUnauthorized: false,
});

export async function startTlsListener(o: TlsListenerOptions): Promise<TlsListener> {
  const est = estHandler(o.est);
  const server = createServer(tlsOptions(o.keyPem, o.certPem), (req, res) => {
    if (est(req, res)) return;
    if (o.api && (req.url ?? '').startsWith(`${o.apiPrefix}/`)) return o.api(req, res);
    const r = httpRefusal('NOT_FOUND');
    send(res, r.status, r.headers, r.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    server, url: `https://${host}:${port}`,
    setCredentials: (keyPem, certPem) => server.setSecureContext(tlsOptions(keyPem, certPem)),
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
