/**
 * Steps 4-7 of the issuance cycle (docs/issuance-cycle.md), shared by every kind of
 * issuance: record intent -> sign -> record issued with its audit event -> publish.
 */
import { certificateSha256, formatGeneralName, issue, prepare, type IssuanceRequest, type PreparedCertificate, type Profile } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CertificateIntent, IntentOutcome, IssuedCertificate, AuditEventInput } from '../ports/store.js';
import type { Actor } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import { crlShardOf } from '../revocation/crl-shard.js';
import { crlUrl } from './status-urls.js';
import { GroupCommit } from './group-commit.js';
import type { OnlineIssuer } from './issuer-registry.js';
import { newSerial } from './serial.js';

/** A fresh serial collides with probability 2^-126; three tries is already paranoid. */
const SERIAL_ATTEMPTS = 3;

/** What is recorded with the intent beyond the certificate itself. */
export interface IntentExtras {
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface IssuedResult {
  readonly serial: string;
  readonly certificateDer: Buffer;
  readonly chainDer: readonly Uint8Array[];
  readonly prepared: PreparedCertificate;
}

export class IssuancePipeline {
  readonly #intents: GroupCommit<CertificateIntent, IntentOutcome>;
  readonly #issued: GroupCommit<{ issued: IssuedCertificate; audit: AuditEventInput }, undefined>;

  constructor(private readonly deps: CaDeps) {
    this.#intents = new GroupCommit((items) => deps.store.recordIntents(items));
    this.#issued = new GroupCommit<{ issued: IssuedCertificate; audit: AuditEventInput }, undefined>(async (items) => {
      await deps.store.recordIssued(items.map((i) => i.issued), items.map((i) => i.audit));
      return items.map(() => undefined);
    });
  }

  /** 3. prepare (core checks) and 4. record intent, retrying on a serial collision. */
  async #prepareAndRecord(profile: Profile, issuer: OnlineIssuer, req: IssuanceRequest, requester: string, extras: IntentExtras): Promise<PreparedCertificate> {
    for (let attempt = 0; attempt < SERIAL_ATTEMPTS; attempt++) {
      const now = this.deps.clock.now();
      const serial = newSerial(this.deps.random);
      const shards = this.deps.settings.crlShards ?? 1;
      const crlShard = crlShardOf(Buffer.from(serial).toString('hex'), shards);
      // With shards, the certificate's distribution point names its shard's CRL (as Let's Encrypt does).
      const crlDistributionPoints = shards > 1 ? [crlUrl(this.deps.settings.publicUrl, issuer.record.name, crlShard, 'full')] : undefined;
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
    await this.#issued.submit({
      issued: { serial: prepared.serial, der: certificateDer, sha256, issuedAt },
      audit: successEvent(issuedAt, actor, action, prepared.serial, {
        ca: issuer.record.name, profile: profile.name, subject: prepared.subject, deviceId: prepared.deviceId, sha256,
        notAfter: prepared.notAfter.toISOString(),
      }),
    });
    // 7. publish
    this.deps.events.publish({ type: 'certificate.issued', serial: prepared.serial, caName: issuer.record.name, profile: profile.name, deviceId: prepared.deviceId });
    return { serial: prepared.serial, certificateDer, chainDer: issuer.chainDer, prepared };
  }
}
