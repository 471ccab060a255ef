/**
 * Online CAs ready to sign: the record, the IssuerContext that core.prepare() needs and
 * the Signer, built once per CA and dropped when the CA changes.
 */
import { certificateKeyId, type Certificate, type IssuerContext, parseCertificate, type Signer } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CaRecord } from '../ports/store.js';
import { statusUrls } from './status-urls.js';

export interface OnlineIssuer {
  readonly record: CaRecord;
  readonly certificate: Certificate;
  readonly context: IssuerContext;
  readonly signer: Signer;
  /** Issuer certificate first, root last: the `chain` of an issuance response. */
  readonly chainDer: readonly Uint8Array[];
}

export const deviceUriPrefix = (namespace: string): string => `device://${namespace}/`;

export class IssuerRegistry {
  readonly #cache = new Map<string, Promise<OnlineIssuer>>();
  readonly #records = new Map<string, Promise<CaRecord>>();
  constructor(private readonly deps: CaDeps) {}

  /** The CA record alone (no key opened), or CA_NOT_FOUND: for checks that come before signing. */
  record(name: string): Promise<CaRecord> {
    let hit = this.#records.get(name);
    if (!hit) {
      hit = this.deps.store.getCa(name).then((r) => {
        if (!r) throw new ServiceError('CA_NOT_FOUND', `no CA named ${name}`, { ca: name });
        return r;
      });
      this.#records.set(name, hit);
      hit.catch(() => this.#records.delete(name));
    }
    return hit;
  }

  /** The active CA `name`, or CA_NOT_FOUND / CA_NOT_ACTIVE / KEY_UNAVAILABLE. */
  get(name: string): Promise<OnlineIssuer> {
    let hit = this.#cache.get(name);
    if (!hit) {
      hit = this.#load(name);
      this.#cache.set(name, hit);
      hit.catch(() => { this.#cache.delete(name); this.#records.delete(name); });
    }
    return hit;
  }

  invalidate(name?: string): void {
    if (name === undefined) { this.#cache.clear(); this.#records.clear(); } else { this.#cache.delete(name); this.#records.delete(name); }
  }

  async #load(name: string): Promise<OnlineIssuer> {
    const record = await this.record(name);
    if (record.status !== 'active' || !record.certificateDer) throw new ServiceError('CA_NOT_ACTIVE', `CA ${name} is ${record.status}`, { ca: name });
    if (!record.key) throw new ServiceError('KEY_UNAVAILABLE', `CA ${name} is offline: its key is not held by this server`, { ca: name });
    const signer = await this.deps.keys.open(record.key);
    const certificate = parseCertificate(record.certificateDer);
    if (Buffer.compare(Buffer.from(signer.publicKeyDer), Buffer.from(certificate.publicKey.spki)) !== 0) {
      throw new ServiceError('KEY_UNAVAILABLE', `the key of CA ${name} does not match its certificate`, { ca: name });
    }
    const namespace = record.attributes['namespace'] ?? this.deps.settings.deviceNamespace;
    const context: IssuerContext = Object.freeze({
      name, subjectDer: certificate.subjectDer, keyId: certificateKeyId(certificate), notAfter: certificate.notAfter,
      signatureAlgorithm: signer.algorithm, nameConstraints: record.nameConstraints,
      urls: statusUrls(this.deps.settings.publicUrl, name), deviceIdUriPrefix: deviceUriPrefix(namespace),
    });
    return Object.freeze({ record, certificate, context, signer, chainDer: [record.certificateDer, ...record.chainDer] });
  }
}
