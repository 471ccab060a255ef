/**
 * Who the client says it is (RFC 7030 3.3): the certificate chain it presented in the TLS
 * handshake, and HTTP Basic credentials (username = device id, password = the one-time
 * enrollment secret; RFC 7617). The TLS layer accepts any client certificate: validating
 * it is the use case's job (verifyPath against the group's anchors), so bootstrap
 * certificates from manufacturer CAs we never saw work.
 */
import type { IncomingMessage } from 'node:http';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { EnrollmentAuth, EnrollOperation } from '@fleetpki/ca';

/** The leaf first, then the rest of what the client sent, each once (Node links a self-signed certificate to itself). */
export function presentedChain(socket: TLSSocket): Uint8Array[] {
  const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate | Record<string, never>;
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  for (let c = leaf as DetailedPeerCertificate | undefined; c?.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
  }
  return out;
}

/** RFC 7617 2: `Basic base64(user-id ":" password)`; the user-id cannot contain a colon. */
export function basicCredentials(header: string | undefined): { deviceId: string; secret: string } | null {
  const m = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { deviceId: text.slice(0, colon), secret: text.slice(colon + 1) };
}

/**
 * One auth per request: a re-enrollment is always by the current certificate (RFC 7030
 * 4.2.2); otherwise HTTP Basic when the client sent it (it answered our 401, so it means
 * it), else the TLS client certificate, else none (and the use case answers 401).
 */
export function enrollmentAuth(req: IncomingMessage, operation: EnrollOperation): EnrollmentAuth {
  const socket = req.socket as TLSSocket;
  const chain = typeof socket.getPeerCertificate === 'function' ? presentedChain(socket) : [];
  const basic = operation === 'simplereenroll' ? null : basicCredentials(req.headers.authorization);
  if (basic) return { kind: 'secret', deviceId: basic.deviceId, secret: basic.secret };
  if (chain.length > 0) return { kind: 'certificate', chain };
  return { kind: 'none' };
}
