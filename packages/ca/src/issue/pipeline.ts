/**
 * Steps 4-7 of the issuance cycle (docs/issuance-cycle.md), shared by every kind of
 * issuance: record intent -> sign -> record issued with its audit event -> publish.
 */
import { certificateSha256, formatGeneralName, issue, prepare, type IssuanceRequest, type PreparedCertificate, type Profile } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CertificateIntent, IntentOutcome, IssuedCertificate, IssuedOutcome, AuditEventInput } from '../ports/store.js';
import type { EnrollmentCommit } from '../ports/enrollment-store.js';
import type { Actor } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import { crlPlacement } from '../revocation/crl-shard.js';
import { GroupCommit } from './group-commit.js';
import type { OnlineIssuer } from './issuer-registry.js';
import { newSerial } from './serial.js';

/** A fresh serial collides with probability 2^-126; three tries is already paranoid. */
const SERIAL_ATTEMPTS = 3;

/** What is recorded with the intent beyond the certificate itself. */
export interface IntentExtras {
  readonly attributes?: Readonly<Record<string, string>>;
  /**
   * An enrollment's claims, device record and links, made from the signed certificate and
   * written in its step-6 transaction (ports/store.ts IssuedCertificate.enrollment).
   */
  readonly enrollment?: (issued: IssuedCertificate) => EnrollmentCommit;
}

/** The claim an enrollment lost to a concurrent one: its certificate stays pending and is never returned. */
const LOST_CLAIM = { secret_used: 'ENROLLMENT_SECRET_USED', bootstrap_used: 'BOOTSTRAP_ALREADY_USED' } as const;

export interface IssuedResult {
  readonly serial: string;
  readonly certificateDer: Buffer;
  readonly chainDer: readonly Uint8Array[];
  readonly prepared: PreparedCertificate;
}

export class IssuancePipeline {
  readonly #intents: GroupCommit<CertificateIntent, IntentOutcome>;
  readonly #issued: GroupCommit<{ issued: IssuedCertificate; audit: AuditEventInput }, IssuedOutcome>;

  constructor(private readonly deps: CaDeps) {
    this.#intents = new GroupCommit((items) => deps.store.recordIntents(items));
    // An enrollment's certificate.issue event travels with its enrollment: written only if its claims hold.
    this.#issued = new GroupCommit<{ issued: IssuedCertificate; audit: AuditEventInput }, IssuedOutcome>((items) =>
      deps.store.recordIssued(items.map((i) => i.issued), items.filter((i) => !i.issued.enrollment).map((i) => i.audit)));
  }

  /** 3. prepare (core checks) and 4. record intent, retrying on a serial collision. */
  async #prepareAndRecord(profile: Profile, issuer: OnlineIssuer, req: IssuanceRequest, requester: string, extras: IntentExtras): Promise<PreparedCertificate> {
    for (let attempt = 0; attempt < SERIAL_ATTEMPTS; attempt++) {
      const now = this.deps.clock.now();
      const serial = newSerial(this.deps.random);
      const { crlShard, crlDistributionPoints } = crlPlacement(this.deps.settings.publicUrl, this.deps.settings.crlShards ?? 1, issuer.record.name, serial);
      const prepared = prepare(profile, issuer.context, req, { now, serial, ...(crlDistributionPoints ? { crlDistributionPoints } : {}) });
      const outcome = await this.#intents.submit({
        serial: prepared.serial, caName: issuer.record.name, profile: profile.name, subject: prepared.subject,
        deviceId: prepared.deviceId, subjectAltNames: prepared.subjectAltNames.map(formatGeneralName),
        notBefore: prepared.notBefore, notAfter: prepared.notAfter, tbsDer: prepared.tbs, requester, createdAt: now,
        crlShard,
        ...(extras.attributes ? { attributes: extras.attributes } : {}),
      });
      if (outcome === 'recorded') return prepared;
      if (outcome === 'quota_exceeded') {
        throw new ServiceError('QUOTA_EXCEEDED', `CA ${issuer.record.name} has issued its quota of ${issuer.record.quota} certificates`, { ca: issuer.record.name, quota: issuer.record.quota });
      }
    }
    throw new ServiceError('SERIAL_EXHAUSTED');
  }

  async run(profile: Profile, issuer: OnlineIssuer, req: IssuanceRequest, actor: Actor, action: string, extras: IntentExtras = {}): Promise<IssuedResult> {
    const prepared = await this.#prepareAndRecord(profile, issuer, req, actor.id, extras);
    // 5. sign exactly the recorded TBS
    const certificateDer = await issue(prepared, issuer.signer);
    // 6. record issued, with its audit event, in one transaction
    const issuedAt = this.deps.clock.now();
    const sha256 = certificateSha256(certificateDer);
    const issued: IssuedCertificate = { serial: prepared.serial, der: certificateDer, sha256, issuedAt };
    const audit = successEvent(issuedAt, actor, action, prepared.serial, {
      ca: issuer.record.name, profile: profile.name, subject: prepared.subject, deviceId: prepared.deviceId, sha256,
      notAfter: prepared.notAfter.toISOString(),
    });
    const enrollment = extras.enrollment?.(issued);
    const outcome = await this.#issued.submit({ issued: enrollment ? { ...issued, enrollment: { ...enrollment, audit: [audit, ...enrollment.audit] } } : issued, audit });
    if (outcome !== 'issued') throw new ServiceError(LOST_CLAIM[outcome], undefined, { serial: prepared.serial });
    // 7. publish
    this.deps.events.publish({ type: 'certificate.issued', serial: prepared.serial, caName: issuer.record.name, profile: profile.name, deviceId: prepared.deviceId });
    return { serial: prepared.serial, certificateDer, chainDer: issuer.chainDer, prepared };
  }
}
