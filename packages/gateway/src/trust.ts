/**
 * What the gateway validates device certificates against: the deployment's roots (and any
 * configured anchors of CAs we do not run) as trust anchors, and every CA certificate it
 * knows as an intermediate, so a device may send its leaf alone (constrained devices save
 * the bytes) and a resumed TLS session, which carries no chain, still validates.
 *
 * It also tells our CAs from foreign ones: a path whose issuing CA is one of the
 * deployment's is checked against the deny-list the CA keeps current; any other goes to
 * OCSP / CRL (foreign-status.ts).
 */
import { createHash } from 'node:crypto';
import type { Store } from '@fleetpki/ca';
import { parseCertificate, type Certificate, type TrustAnchor } from '@fleetpki/core';

export interface TrustInputs {
  /** DER of configured anchors and intermediates (main.ts reads the PEM files). */
  readonly anchorsDer: readonly Uint8Array[];
  readonly intermediatesDer: readonly Uint8Array[];
  readonly trustDeploymentRoots: boolean;
}

const derKey = (der: Uint8Array): string => createHash('sha256').update(der).digest('base64');

export class TrustMaterial {
  readonly #byObject = new Map<Certificate, string>();
  readonly #byDer = new Map<string, string>();

  private constructor(
    readonly anchors: readonly TrustAnchor[],
    /** Parsed once; the same objects go to every verifyPath call (core memoises by object). */
    readonly intermediates: readonly Certificate[],
  ) {}

  /** Loads the deployment's CAs from the store; call again after a CA changes. */
  static async load(store: Pick<Store, 'listCas'>, inputs: TrustInputs): Promise<TrustMaterial> {
    const anchors: TrustAnchor[] = inputs.anchorsDer.map((der) => ({ kind: 'certificate', certificate: parseCertificate(der) }));
    const intermediates = inputs.intermediatesDer.map((der) => parseCertificate(der));
    const ours: [Certificate, string][] = [];
    for (const ca of await store.listCas()) {
      if (!ca.certificateDer || ca.status === 'pending') continue;
      const cert = parseCertificate(ca.certificateDer);
      ours.push([cert, ca.name]);
      if (ca.role !== 'root') intermediates.push(cert);
      else if (inputs.trustDeploymentRoots) anchors.push({ kind: 'certificate', certificate: cert });
    }
    const t = new TrustMaterial(Object.freeze(anchors), Object.freeze(intermediates));
    for (const [cert, name] of ours) { t.#byObject.set(cert, name); t.#byDer.set(derKey(cert.der), name); }
    return t;
  }

  /** The deployment's name of this CA certificate, or null for a CA we do not run. */
  ourCa(issuer: Certificate): string | null {
    return this.#byObject.get(issuer) ?? this.#byDer.get(derKey(issuer.der)) ?? null;
  }
}
