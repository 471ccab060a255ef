/**
 * The delegated OCSP signer of each CA (RFC 6960 4.2.2.2): a certificate from the CA with
 * id-kp-OCSPSigning and id-pkix-ocsp-nocheck, whose key is the only one the responder
 * uses, so CA keys never sign on the internet-facing path. A CA without one (an imported
 * issuing CA, a manufacturer CA) gets one on first use, through the issuance cycle; one
 * nearing expiry is replaced.
 */
import { ocspResponderKeyId, parseCertificate, parseNameString, parseSpkiDer, type Signer } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import { SYSTEM_ACTOR } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import type { IssuancePipeline } from '../issue/pipeline.js';

export interface OcspSigner {
  readonly caName: string;
  readonly signer: Signer;
  readonly certificateDer: Uint8Array;
  /** ResponderID byKey (RFC 6960 4.2.1). */
  readonly responderKeyId: Uint8Array;
  readonly notAfter: Date;
}

/** A signer certificate this close to its notAfter is replaced by a new one. */
const RENEW_BEFORE_MS = 7 * 86400_000;
/**
 * A signer kept in memory is looked at again when it nears its notAfter, at most this
 * often: a long-running responder must not sign with an expired signer, and a CA whose own
 * notAfter caps every new signer inside the renewal window must not issue one per request.
 */
const RELOAD_AFTER_MS = 3600_000;

interface Cached { readonly signer: Promise<OcspSigner>; readonly loadedAtMs: number }

export class OcspSigners {
  readonly #cache = new Map<string, Cached>();
  constructor(private readonly deps: CaDeps, private readonly issuers: IssuerRegistry, private readonly pipeline: IssuancePipeline) {}

  invalidate(caName?: string): void {
    if (caName === undefined) this.#cache.clear(); else this.#cache.delete(caName);
  }

  async get(caName: string): Promise<OcspSigner> {
    const hit = this.#cache.get(caName);
    if (hit) {
      const signer = await hit.signer;
      const nowMs = this.deps.clock.now().getTime();
      const nearExpiry = signer.notAfter.getTime() - nowMs <= RENEW_BEFORE_MS;
      if (!nearExpiry || nowMs - hit.loadedAtMs < RELOAD_AFTER_MS || this.#cache.get(caName) !== hit) return this.#cache.get(caName)?.signer ?? signer;
    }
    const loading: Cached = { signer: this.#load(caName), loadedAtMs: this.deps.clock.now().getTime() };
    this.#cache.set(caName, loading);
    loading.signer.catch(() => { if (this.#cache.get(caName) === loading) this.#cache.delete(caName); });
    return loading.signer;
  }

  async #load(caName: string): Promise<OcspSigner> {
    const now = this.deps.clock.now();
    const stored = (await this.deps.store.listDelegatedSigners(caName))
      .filter((s) => s.purpose === 'ocsp')
      .map((s) => ({ s, cert: parseCertificate(s.certificateDer) }))
      .filter(({ cert }) => cert.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS)
      .sort((a, b) => b.cert.notAfter.getTime() - a.cert.notAfter.getTime())[0];
    if (stored) {
      const signer = await this.deps.keys.open(stored.s.key);
      return { caName, signer, certificateDer: stored.s.certificateDer, responderKeyId: ocspResponderKeyId(stored.cert.publicKey), notAfter: stored.cert.notAfter };
    }
    return this.#issue(caName);
  }

  /** A new signer: key, certificate from the CA under profile ocsp-signer, stored encrypted. */
  async #issue(caName: string): Promise<OcspSigner> {
    const profile = this.deps.settings.profiles.get('ocsp-signer');
    if (!profile) throw new ServiceError('PROFILE_NOT_FOUND', 'profile ocsp-signer is not configured');
    const issuer = await this.issuers.get(caName);
    const { key, signer } = await this.deps.keys.generate('ecdsa-p256');
    const subject = parseNameString(`CN=${caName} OCSP Signer`);
    const issued = await this.pipeline.run(profile, issuer, { publicKey: parseSpkiDer(signer.publicKeyDer), subject, subjectAltNames: [] }, SYSTEM_ACTOR, 'certificate.issue');
    const now = this.deps.clock.now();
    const name = `${caName}-ocsp-${issued.serial.slice(0, 8)}`;
    await this.deps.store.putDelegatedSigner({ name, purpose: 'ocsp', caName, certificateDer: issued.certificateDer, key, createdAt: now },
      [successEvent(now, SYSTEM_ACTOR, 'signer.create', name, { ca: caName, serial: issued.serial })]);
    const cert = parseCertificate(issued.certificateDer);
    return { caName, signer, certificateDer: issued.certificateDer, responderKeyId: ocspResponderKeyId(cert.publicKey), notAfter: cert.notAfter };
  }
}
