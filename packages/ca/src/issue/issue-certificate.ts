/**
 * Issue a certificate from a CSR under a named profile (docs/issuance-cycle.md):
 *   1. authorize  - the caller may issue; the profile exists and this CA issues under it
 *   2. possession - the CSR parses (defensively) and its signature verifies (RFC 2986)
 *   3. prepare    - core profile checks and the to-be-signed bytes
 *   4. intent     - serial and TBS recorded (quota counted) before anything is signed
 *   5. sign       - exactly the recorded TBS
 *   6. issued     - certificate and audit event stored in one transaction
 *   7. publish    - event for OCSP, CRL and gateways
 * A refusal at any step is audited with its code and leaves no certificate behind.
 */
import { parseAndVerifyCsr, parseCsr, type Profile } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CaRole } from '../ports/store.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { checkAttributes } from './attributes.js';
import type { IssuerRegistry } from './issuer-registry.js';
import type { IssuancePipeline, IssuedResult } from './pipeline.js';

export interface IssueInput {
  readonly csrDer: Uint8Array;
  readonly profile: string;
  /** Defaults to the deployment's default CA (setting `default_ca`). */
  readonly caName?: string;
  readonly deviceId?: string;
  readonly validitySeconds?: number;
  /** Kept with the certificate for search and mass revocation, e.g. { batch: "B7" }. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export const DEFAULT_CA_SETTING = 'default_ca';

/**
 * Which profiles a CA of each role issues through the API: one rule per role. CA
 * certificates are only made by the hierarchy commands; manufacturer CAs issue device
 * identities only (profiles that carry a device id).
 */
export const MAY_ISSUE: Readonly<Record<CaRole, (p: Profile) => boolean>> = {
  root: () => false,
  issuing: (p) => !p.isCa,
  manufacturer: (p) => !p.isCa && p.san.deviceId !== 'forbidden',
};

export class CertificateIssuer {
  constructor(private readonly deps: CaDeps, private readonly issuers: IssuerRegistry, private readonly pipeline: IssuancePipeline) {}

  async #resolveCa(caName: string | undefined): Promise<string> {
    const name = caName ?? (await this.deps.store.getSetting(DEFAULT_CA_SETTING));
    if (!name) throw new ServiceError('CA_NOT_FOUND', 'no CA named in the request and no default CA configured');
    return name;
  }

  /** Issue with a proof-of-possession check (`prevalidated` skips it for batch input already verified). */
  async issue(actor: Actor, input: IssueInput, options: { prevalidated?: boolean } = {}): Promise<IssuedResult> {
    return audited(this.deps, actor, 'certificate.issue', input.caName ?? null, async () => {
      // 1. authorize
      authorize(actor, 'certificate.issue');
      const attributes = input.attributes === undefined ? undefined : checkAttributes(input.attributes);
      const profile = this.deps.settings.profiles.get(input.profile);
      if (!profile) throw new ServiceError('PROFILE_NOT_FOUND', `no profile named ${input.profile}`, { profile: input.profile });
      const caName = await this.#resolveCa(input.caName);
      const ca = await this.issuers.record(caName);
      if (!MAY_ISSUE[ca.role](profile)) {
        throw new ServiceError('PROFILE_NOT_ALLOWED', `CA ${ca.name} (${ca.role}) does not issue ${profile.name} certificates`, { ca: ca.name, profile: profile.name });
      }
      const issuer = await this.issuers.get(caName);
      // 2. proof of possession
      const csr = options.prevalidated ? parseCsr(input.csrDer) : await parseAndVerifyCsr(input.csrDer);
      // 3-7. prepare, record intent, sign, record issued, publish
      return this.pipeline.run(profile, issuer, {
        publicKey: csr.publicKey, subject: csr.subject, subjectAltNames: csr.subjectAltNames,
        ...(input.deviceId !== undefined ? { deviceId: input.deviceId } : {}),
        ...(input.validitySeconds !== undefined ? { validitySeconds: input.validitySeconds } : {}),
      }, actor, 'certificate.issue', attributes ? { attributes } : {});
    });
  }
}
