/**
 * Which of our CAs an OCSP CertID names: RFC 6960 4.1.1 identifies the issuer by the hash
 * of its subject name and of its public key, with the hash the client chose. We index
 * every active CA under each hash clients use, once, and refresh when a CA changes.
 */
import { type CertId, issuerHashes, type OcspHash, parseCertificate } from '@fleetpki/core';
import type { Store } from '../ports/store.js';

const HASHES: readonly OcspHash[] = ['sha1', 'sha256', 'sha384', 'sha512'];
const keyOf = (hash: OcspHash, nameHash: Uint8Array, keyHash: Uint8Array): string =>
  `${hash}:${Buffer.from(nameHash).toString('hex')}:${Buffer.from(keyHash).toString('hex')}`;

export class OcspIssuerIndex {
  #byHashes: Map<string, string> | null = null;
  constructor(private readonly store: Store) {}

  invalidate(): void { this.#byHashes = null; }

  async #load(): Promise<Map<string, string>> {
    const map = new Map<string, string>();
    for (const ca of await this.store.listCas()) {
      if (ca.status !== 'active' || !ca.certificateDer) continue;
      const cert = parseCertificate(ca.certificateDer);
      for (const h of HASHES) {
        const { issuerNameHash, issuerKeyHash } = issuerHashes({ subjectDer: cert.subjectDer, subjectPublicKey: cert.publicKey.subjectPublicKey }, h);
        map.set(keyOf(h, issuerNameHash, issuerKeyHash), ca.name);
      }
    }
    return map;
  }

  /** The CA name a CertID's issuer hashes point at, or null (we do not serve that issuer). */
  async caFor(certId: CertId): Promise<string | null> {
    this.#byHashes ??= await this.#load();
    return this.#byHashes.get(keyOf(certId.hashAlgorithm, certId.issuerNameHash, certId.issuerKeyHash)) ?? null;
  }
}
