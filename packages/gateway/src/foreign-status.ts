/**
 * Revocation status of device certificates from CAs we do not run (a configured anchor):
 * no outbox tells us about them, so we ask their OCSP responder (the AIA URL, RFC 5280
 * 4.2.2.1; POST, RFC 6960 A.1) and fall back to their CRL (the CDP URL, 4.2.1.13). An answer
 * counts only when verifyPath accepts it as signed for this certificate (RFC 6960 4.2.2.2,
 * RFC 5280 6.3.3), so a forged "good" cannot admit a device. Decisions are cached per
 * certificate until the answer's nextUpdate, at most `cacheSeconds`; concurrent connections
 * of one certificate share one fetch; every fetch is bounded in time.
 */
import { X509Certificate } from 'node:crypto';
import {
  certIdFor, EXTENSION_OIDS, encodeOcspRequest, parseCrl, parseCrlDistributionPoints, parseOcspResponse, verifyPath,
  type Certificate, type TrustAnchor, type VerifyPathResult,
} from '@fleetpki/core';
import { fetchBytes } from './http-fetch.js';

export type ForeignStatus = 'good' | 'revoked' | 'unknown';
export type ForeignMode = 'ocsp-then-crl' | 'crl' | 'none';

export interface ForeignStatusOptions {
  readonly mode: ForeignMode;
  readonly timeoutMs: number;
  readonly cacheSeconds: number;
  readonly fetch?: typeof fetchBytes;
}

interface Answer { readonly status: ForeignStatus; readonly until: number }
/** What a fetched answer says, and until when it may be reused. */
type Source = (path: readonly Certificate[], anchors: readonly TrustAnchor[], now: Date) => Promise<Answer | null>;

const OCSP_MAX_BYTES = 64 * 1024;
const CRL_MAX_BYTES = 32 * 1024 * 1024;
const MAX_ANSWERS = 100_000;

export function ocspUrlOf(der: Uint8Array): string | null {
  return /OCSP - URI:(http:\/\/\S+)/.exec(new X509Certificate(der).infoAccess ?? '')?.[1] ?? null;
}

export function crlUrlOf(cert: Certificate): string | null {
  const ext = cert.extensions.find((e) => e.oid === EXTENSION_OIDS.crlDistributionPoints);
  if (!ext) return null;
  for (const dp of parseCrlDistributionPoints(ext.value)) {
    const uri = dp.distributionPoint?.fullName?.find((n) => n.type === 'uri' && n.value.startsWith('http://'));
    if (uri && uri.type === 'uri') return uri.value;
  }
  return null;
}

const decide = (r: VerifyPathResult): ForeignStatus => (r.ok ? 'good' : r.code === 'CERT_REVOKED' ? 'revoked' : 'unknown');

export class ForeignStatusChecker {
  readonly #answers = new Map<string, Answer>();
  readonly #inFlight = new Map<string, Promise<ForeignStatus>>();
  readonly #crls = new Map<string, { der: Buffer; until: number }>();
  readonly #fetch: typeof fetchBytes;

  constructor(private readonly o: ForeignStatusOptions) {
    this.#fetch = o.fetch ?? fetchBytes;
  }

  /** The leaf's status; `path` is the validated path (leaf first, anchor last). */
  async status(path: readonly Certificate[], anchors: readonly TrustAnchor[], now: Date): Promise<ForeignStatus> {
    if (this.o.mode === 'none') return 'good';
    const leaf = path[0]!;
    const key = `${Buffer.from(leaf.issuerDer).toString('base64')}/${leaf.serial}`;
    const hit = this.#answers.get(key);
    if (hit && hit.until > now.getTime()) return hit.status;
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#lookup(path, anchors, now).then((a) => {
        if (a.status !== 'unknown') {
          this.#answers.set(key, a);
          if (this.#answers.size > MAX_ANSWERS) this.#answers.delete(this.#answers.keys().next().value!);
        }
        return a.status;
      }).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  async #lookup(path: readonly Certificate[], anchors: readonly TrustAnchor[], now: Date): Promise<Answer> {
    const sources: Source[] = this.o.mode === 'crl' ? [this.#crl] : [this.#ocsp, this.#crl];
    for (const source of sources) {
      const a = await source(path, anchors, now).catch(() => null);
      if (a && a.status !== 'unknown') return a;
    }
    return { status: 'unknown', until: 0 };
  }

  #until(now: Date, nextUpdate: Date | null): number {
    const cap = now.getTime() + this.o.cacheSeconds * 1000;
    return nextUpdate ? Math.min(cap, nextUpdate.getTime()) : cap;
  }

  #ocsp: Source = async (path, anchors, now) => {
    const [leaf, issuer] = path;
    const url = leaf && issuer ? ocspUrlOf(leaf.der) : null;
    if (!leaf || !issuer || !url) return null;
    const body = encodeOcspRequest([certIdFor({ subjectDer: issuer.subjectDer, subjectPublicKey: issuer.publicKey.subjectPublicKey }, leaf.serial)]);
    const der = await this.#fetch(url, { timeoutMs: this.o.timeoutMs, maxBytes: OCSP_MAX_BYTES, post: { body, contentType: 'application/ocsp-request' } });
    const parsed = parseOcspResponse(der);
    if (parsed.status !== 'successful') return null;
    const r = verifyPath({ leaf: leaf, intermediates: path.slice(1), anchors, now, usage: 'clientAuth', revocation: { ocspResponses: [der], mode: 'require', scope: 'leaf' } });
    const single = parsed.responses.find((s) => s.certId.serial === leaf.serial);
    return { status: decide(r), until: this.#until(now, single?.nextUpdate ?? null) };
  };

  #crl: Source = async (path, anchors, now) => {
    const leaf = path[0]!;
    const url = crlUrlOf(leaf);
    if (!url) return null;
    let cached = this.#crls.get(url);
    if (!cached || cached.until <= now.getTime()) {
      const der = await this.#fetch(url, { timeoutMs: this.o.timeoutMs, maxBytes: CRL_MAX_BYTES });
      cached = { der, until: this.#until(now, parseCrl(der).nextUpdate) };
      this.#crls.set(url, cached);
    }
    // The same Buffer each time: core parses and checks a CRL it has seen once from its memo.
    const r = verifyPath({ leaf, intermediates: path.slice(1), anchors, now, usage: 'clientAuth', revocation: { crls: [cached.der], mode: 'require', scope: 'leaf' } });
    return { status: decide(r), until: cached.until };
  };
}
