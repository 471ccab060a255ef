/**
 * OCSP stapling for a TLS listener's own server certificate (RFC 6066 8, "status_request";
 * the seed's point: the server does the OCSP round trip so devices need not), used by the
 * gateway (asking the responder in the certificate's AIA over HTTP) and by `serve`'s EST
 * listener (asking its own responder in process). A response is stapled only when
 * verifyPath accepts it as a signed answer for this certificate (good, or revoked: clients
 * must hear that), and is refreshed halfway between its thisUpdate and nextUpdate (RFC 5019
 * 4: fetch before nextUpdate), or at once when `refresh()` is called (a revocation of this
 * certificate). A failed refresh keeps the last good response until its nextUpdate and
 * tries again in `retryMs`; past nextUpdate nothing is stapled.
 */
import type { Server } from 'node:tls';
import { certIdFor, encodeOcspRequest, fromPemAll, parseCertificate, parseOcspResponse, verifyPath, type TrustAnchor } from '@fleetpki/core';

/** Asks a responder about `leafDer`: the DER OCSPResponse answered to `requestDer`. */
export type OcspSource = (requestDer: Uint8Array, leafDer: Uint8Array) => Promise<Uint8Array>;

export interface StaplerOptions {
  /** The certificate, then its CA certificates (PEM, as the TLS listener serves it). */
  readonly certPem: () => string;
  readonly anchors: () => readonly TrustAnchor[];
  readonly now: () => Date;
  readonly timeoutMs: number;
  readonly retryMs: number;
  /** Where between thisUpdate and nextUpdate to refresh (0.5: halfway). */
  readonly refreshAt: number;
  readonly onError: (err: unknown) => void;
  readonly onStapled?: (thisUpdate: Date) => void;
  readonly source: OcspSource;
}

interface Staple { readonly der: Buffer; readonly thisUpdate: Date; readonly nextUpdate: Date }

export class OcspStapler {
  #current: Staple | null = null;
  #timer: NodeJS.Timeout | null = null;
  #nextRefresh: Date | null = null;
  #stopped = false;

  constructor(private readonly o: StaplerOptions) {}

  /** When the next fetch is due (halfway to nextUpdate, or a retry), for metrics and tests. */
  get nextRefresh(): Date | null { return this.#nextRefresh; }

  /** The response to staple now, or null. */
  current(): Buffer | null {
    const c = this.#current;
    return c && c.nextUpdate.getTime() > this.o.now().getTime() ? c.der : null;
  }

  /** Answers each handshake that asks for a status (clients that do not ask get nothing). */
  attach(server: Server): void {
    server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, done: (err: Error | null, resp: Buffer | null) => void) => done(null, this.current()));
  }

  /** Fetches the first response (bounded by timeoutMs; a failure is retried on the timer). */
  async start(): Promise<void> {
    await this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.#stopped) return;
    let delay = this.o.retryMs;
    try {
      this.#current = await this.#fetch();
      this.o.onStapled?.(this.#current.thisUpdate);
      const { thisUpdate, nextUpdate } = this.#current;
      const due = thisUpdate.getTime() + (nextUpdate.getTime() - thisUpdate.getTime()) * this.o.refreshAt;
      delay = Math.max(1000, due - this.o.now().getTime());
    } catch (e) {
      this.o.onError(e);
    }
    this.#schedule(delay);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#nextRefresh = new Date(this.o.now().getTime() + ms);
    this.#timer = setTimeout(() => void this.refresh(), Math.min(ms, 2 ** 31 - 1));
    this.#timer.unref();
  }

  async #fetch(): Promise<Staple> {
    const chain = fromPemAll(this.o.certPem(), ['CERTIFICATE']).map((b) => b.der);
    const [leafDer, issuerDer] = chain;
    if (!leafDer || !issuerDer) throw new Error('stapling needs the certificate and its issuer');
    const leaf = parseCertificate(leafDer);
    const issuer = parseCertificate(issuerDer);
    const body = encodeOcspRequest([certIdFor({ subjectDer: issuer.subjectDer, subjectPublicKey: issuer.publicKey.subjectPublicKey }, leaf.serial)]);
    const der = Buffer.from(await this.o.source(body, leafDer));
    const parsed = parseOcspResponse(der);
    if (parsed.status !== 'successful') throw new Error(`OCSP responder answered ${parsed.status}`);
    const now = this.o.now();
    const r = verifyPath({ leaf: leafDer, intermediates: chain.slice(1), anchors: this.o.anchors(), now, usage: 'serverAuth', revocation: { ocspResponses: [der], mode: 'require', scope: 'leaf' } });
    // A signed "revoked" is stapled too: clients should hear it, not the last "good".
    if (!r.ok && r.code !== 'CERT_REVOKED') throw new Error(`OCSP response for the server certificate not stapled: ${r.code}`);
    const single = parsed.responses.find((s) => s.certId.serial === leaf.serial);
    if (!single?.nextUpdate) throw new Error('OCSP response without nextUpdate is not stapled');
    return { der, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate };
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }
}
