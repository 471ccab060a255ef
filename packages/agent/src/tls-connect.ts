/**
 * A TLS connection whose server certificate is validated by core's verifyPath against the
 * agent's own trust store, never node's CA list (RFC 7030 3.6: EST clients use an explicit
 * anchor). node's check is switched off (rejectUnauthorized: false) and ours runs on every
 * connection before a byte of the request is written: the peer name from the URL (RFC 6125
 * via verifyPath's peerName), serverAuth, validity at the agent's clock, and a stapled OCSP
 * response when the server sends one.
 */
import { isIP } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { presentedChain, verifyPath, type PathSuccess, type TrustStore } from '@fleetpki/core';
import { AgentError } from './errors.js';

export interface ClientIdentity {
  /** PEM: the certificate, then its intermediates. */
  readonly certPem: string;
  readonly keyPem: string;
}

export interface VerifiedConnection {
  readonly socket: TLSSocket;
  /** null only for an `unverified` connection. */
  readonly path: PathSuccess | null;
  readonly stapledOcsp: Uint8Array | null;
}

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly trust: TrustStore;
  readonly now: Date;
  readonly identity: ClientIdentity | null;
  readonly timeoutMs: number;
  /**
   * RFC 7030 4.1.1 bootstrap only: no validation, for fetching cacerts that are then checked
   * out of band (here against pinned hashes). Nothing but cacerts is ever sent on it.
   */
  readonly unverified?: boolean;
}

function open(o: ConnectOptions): Promise<{ socket: TLSSocket; stapled: Uint8Array | null }> {
  return new Promise((resolve, reject) => {
    let stapled: Uint8Array | null = null;
    // requestOCSP is a TLSSocket option that connect() passes on; @types/node omits it there.
    const options: ConnectionOptions & { requestOCSP: boolean } = {
      host: o.host, port: o.port, rejectUnauthorized: false, requestOCSP: true, minVersion: 'TLSv1.2',
      ...(isIP(o.host) ? {} : { servername: o.host }),
      ...(o.identity ? { cert: o.identity.certPem, key: o.identity.keyPem } : {}),
    };
    const socket = connect(options);
    const timer = setTimeout(() => socket.destroy(new Error(`TLS handshake took over ${o.timeoutMs} ms`)), o.timeoutMs);
    socket.once('OCSPResponse', (r: Buffer | null) => { if (r && r.length > 0) stapled = r; });
    socket.once('secureConnect', () => { clearTimeout(timer); resolve({ socket, stapled }); });
    socket.once('error', (e) => { clearTimeout(timer); reject(new AgentError('CA_UNREACHABLE', `${o.host}:${o.port}: ${e.message}`)); });
  });
}

export async function connectVerified(o: ConnectOptions): Promise<VerifiedConnection> {
  const { socket, stapled } = await open(o);
  if (o.unverified) return { socket, path: null, stapledOcsp: stapled };
  const [leaf, ...intermediates] = presentedChain(socket.getPeerCertificate(true));
  const result = leaf
    ? verifyPath({
      leaf, intermediates, anchors: o.trust.anchors(), now: o.now, usage: 'serverAuth',
      peerName: { kind: isIP(o.host) ? 'ip' : 'dns', value: o.host },
      ...(stapled ? { revocation: { ocspResponses: [stapled], mode: 'if-available', scope: 'leaf' } } : {}),
    })
    : { ok: false as const, code: 'CERT_MALFORMED' as const, message: 'the server sent no certificate' };
  if (!result.ok) {
    socket.destroy();
    throw new AgentError('SERVER_UNTRUSTED', `${o.host}:${o.port}: ${result.code}: ${result.message}`, { pathCode: result.code });
  }
  return { socket, path: result, stapledOcsp: stapled };
}
