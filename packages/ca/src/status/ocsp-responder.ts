/**
 * The OCSP responder's use case (RFC 6960, RFC 5019): for each CertID in a request,
 *   1. find the issuer among our CAs by its name and key hashes (else: unauthorized)
 *   2. look the serial up (issued: good; revoked or on hold: revoked; else: unknown)
 *   3. sign with the CA's delegated OCSP signer, never the CA key
 * A single-certificate request without a nonce is answered from the pre-signed cache;
 * a nonce (RFC 8954) or several CertIDs are signed live. Failures are OCSP statuses, not
 * exceptions: the HTTP layer only encodes.
 */
import { createHash } from 'node:crypto';
import {
  buildOcspResponse, type CertId, isPkiError, type OcspCertStatus, ocspErrorResponse, type OcspResponseStatus, parseOcspRequest,
  type SingleResponseFields,
} from '@fleetpki/core';
import type { CaDeps } from '../context.js';
import type { OcspIssuerIndex } from './ocsp-issuers.js';
import type { OcspSigners } from './ocsp-signers.js';
import { type CachedResponse, ResponseCache } from './response-cache.js';
import { StatusCache } from './status-cache.js';

export interface OcspSettings {
  /** nextUpdate - thisUpdate of every response. */
  readonly validitySeconds: number;
  /** A cached response is re-signed this long before its nextUpdate. */
  readonly refreshBeforeSeconds: number;
  readonly cacheEntries: number;
  /** Live signatures allowed in flight before answering tryLater. */
  readonly maxInFlight: number;
}

export type OcspAnswer =
  | { readonly status: 'successful'; readonly response: CachedResponse; readonly cacheable: boolean }
  | { readonly status: Exclude<OcspResponseStatus, 'successful'>; readonly der: Buffer };

const failure = (status: Exclude<OcspResponseStatus, 'successful'>): OcspAnswer => ({ status, der: ocspErrorResponse(status) });

export class OcspResponder {
  readonly #cache: ResponseCache;
  readonly #statuses: StatusCache;
  #inFlight = 0;
  /** Bumped by every forget(): an answer looked up before a revocation is not cached after it. */
  #generation = 0;

  constructor(private readonly deps: CaDeps, private readonly index: OcspIssuerIndex, private readonly signers: OcspSigners, private readonly settings: OcspSettings) {
    this.#cache = new ResponseCache(settings.cacheEntries, settings.refreshBeforeSeconds * 1000);
    this.#statuses = new StatusCache(settings.cacheEntries, Math.max(0, settings.validitySeconds - settings.refreshBeforeSeconds) * 1000);
  }

  /** A revocation or a hold release: the next request for this serial is signed afresh. */
  forget(caName: string, serial: string): void {
    this.#generation++;
    this.#cache.delete(`${caName}:${serial}`);
    this.#statuses.delete(`${caName}:${serial}`);
  }
  /** Statuses changed that this process may not have heard of one by one (status feed reset). */
  forgetAll(): void {
    this.#generation++;
    this.#cache.clear();
    this.#statuses.clear();
  }
  /** A CA was added or changed: issuer hashes and signers are looked up again. */
  forgetIssuers(): void { this.index.invalidate(); this.signers.invalidate(); }
  get cachedResponses(): number { return this.#cache.size; }

  async respond(requestDer: Uint8Array): Promise<OcspAnswer> {
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch (e) {
      if (isPkiError(e)) return failure('malformedRequest');
      throw e;
    }
    if (request.requests.length === 0) return failure('malformedRequest');
    const cas = await Promise.all(request.requests.map((c) => this.index.caFor(c)));
    const caName = cas[0];
    // One response is signed by one responder: every CertID must name the same CA of ours.
    if (!caName || cas.some((c) => c !== caName)) return failure('unauthorized');
    const now = this.deps.clock.now();
    const single = request.requests.length === 1 && request.nonce === null;
    const first = request.requests[0]!;
    const serialKey = `${caName}:${first.serial}`;
    const certIdKey = Buffer.from(first.der).toString('base64');
    if (single) {
      const hit = this.#cache.get(serialKey, certIdKey, now);
      if (hit) return { status: 'successful', response: hit, cacheable: true };
    }
    if (this.#inFlight >= this.settings.maxInFlight) return failure('tryLater');
    this.#inFlight++;
    try {
      const generation = this.#generation;
      const response = await this.#sign(caName, request.requests, request.nonce, now);
      if (single && generation === this.#generation) this.#cache.set(serialKey, certIdKey, response);
      return { status: 'successful', response, cacheable: single };
    } finally {
      this.#inFlight--;
    }
  }

  async #status(caName: string, certId: CertId, now: Date): Promise<OcspCertStatus> {
    const key = `${caName}:${certId.serial}`;
    const known = this.#statuses.get(key, now.getTime());
    if (known) return known;
    const generation = this.#generation;
    const status = await this.#lookup(caName, certId);
    if (generation === this.#generation) this.#statuses.set(key, status, now.getTime());
    return status;
  }

  async #lookup(caName: string, certId: CertId): Promise<OcspCertStatus> {
    const s = await this.deps.store.certificateStatus(certId.serial);
    // RFC 6960 2.2: unknown for what we never issued (a pending intent was never signed).
    if (!s || s.caName !== caName || s.status === 'pending') return { status: 'unknown' };
    // A hold is a revocation with reason certificateHold until it is released (RFC 5280 5.3.1).
    if (s.status === 'revoked') return { status: 'revoked', revocationTime: s.revokedAt!, reason: s.reason };
    return { status: 'good' };
  }

  async #sign(caName: string, certIds: readonly CertId[], nonce: Uint8Array | null, now: Date): Promise<CachedResponse> {
    const signer = await this.signers.get(caName);
    const thisUpdate = now;
    const nextUpdate = new Date(now.getTime() + this.settings.validitySeconds * 1000);
    const responses: SingleResponseFields[] = [];
    for (const certId of certIds) responses.push({ certId, certStatus: await this.#status(caName, certId, now), thisUpdate, nextUpdate });
    const der = await buildOcspResponse({
      responderKeyId: signer.responderKeyId, producedAt: now, responses, certs: [signer.certificateDer],
      ...(nonce ? { nonce } : {}),
    }, signer.signer);
    return { der, producedAt: now, nextUpdate, etag: `"${createHash('sha256').update(der).digest('base64url').slice(0, 27)}"` };
  }
}
