/**
 * The EnrollmentService behind EST (types.ts), and the administration of enrollment
 * groups. enroll() is the numbered flow of enroll.ts; refusals are audited here, once,
 * with the group, device id, operation and source.
 */
import { ServiceError, toServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { EnrollmentCommit, EnrollmentGroupRecord } from '../ports/enrollment-store.js';
import type { IssuedCertificate } from '../ports/store.js';
import { refusalEvent, successEvent } from '../audit/audit-log.js';
import { checkAttributes } from '../issue/attributes.js';
import { DEFAULT_CA_SETTING } from '../issue/issue-certificate.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import type { IssuancePipeline } from '../issue/pipeline.js';
import { authenticate, type Authenticated } from './authenticate.js';
import { checkApproval } from './approval.js';
import { csrAttrs } from './csr-attrs.js';
import { chainBelowRoot, checkChannelBinding, checkClaims, deviceActor, parseRequestCsr } from './enroll.js';
import { checkGroupProfile } from './group-input.js';
import { checkCsrClaims, checkSameIdentity } from './identity.js';
import { EnrollmentRateLimiter } from './rate-limit.js';
import type { EnrollmentService, EnrollRequest, EnrollResult } from './types.js';
import { callWebhook } from './webhook.js';
import { serverKeygenEncryption } from './serverkeygen.js';

/** The group that `/.well-known/est/` (no label) enrolls into, when set. */
export const DEFAULT_ENROLLMENT_GROUP_SETTING = 'default_enrollment_group';
const GROUP_ATTRIBUTE = 'enrollment.group';

interface Context { group: string | null; deviceId: string | null; readonly operation: string; readonly source: string }

export class EnrollmentUseCase implements EnrollmentService {
  readonly #limiter: EnrollmentRateLimiter;

  constructor(private readonly deps: CaDeps, private readonly issuers: IssuerRegistry, private readonly pipeline: IssuancePipeline) {
    this.#limiter = new EnrollmentRateLimiter(deps.clock);
  }

  async group(label: string | null): Promise<EnrollmentGroupRecord> {
    const name = label ?? (await this.deps.store.getSetting(DEFAULT_ENROLLMENT_GROUP_SETTING));
    const group = name === null ? null : await this.deps.store.getEnrollmentGroup(name);
    if (!group) throw new ServiceError('ENROLLMENT_GROUP_NOT_FOUND', `no enrollment group ${JSON.stringify(label ?? 'default')}`, { label });
    return group;
  }

  async enroll(request: EnrollRequest): Promise<EnrollResult> {
    // The claimed device id (a secret's username) is audited even when the claim is refused.
    const claimed = request.auth.kind === 'secret' ? request.auth.deviceId : null;
    const ctx: Context = { group: request.label, deviceId: claimed, operation: request.operation, source: request.source };
    try {
      return await this.#enroll(request, ctx);
    } catch (e) {
      let se: ServiceError;
      try { se = toServiceError(e); } catch { throw e; }
      const event = refusalEvent(this.deps.clock.now(), deviceActor(ctx.deviceId), 'enrollment.enroll', ctx.group, se);
      await this.deps.store.appendAudit([{ ...event, detail: { ...event.detail, group: ctx.group, deviceId: ctx.deviceId, operation: ctx.operation, source: ctx.source } }]);
      throw se;
    }
  }

  async #enroll(request: EnrollRequest, ctx: Context): Promise<EnrollResult> {
    const group = await this.group(request.label);
    ctx.group = group.label;
    this.#limiter.take(group);
    const issuer = await this.issuers.get(group.caName);
    const who = await authenticate(this.deps, group, issuer.certificate, request);
    ctx.deviceId = who.deviceId;
    const keyEncryption = request.operation === 'serverkeygen' ? serverKeygenEncryption(group, request.auth) : undefined;
    const csr = await parseRequestCsr(request);
    checkChannelBinding(group, csr, request.channelBinding);
    if (who.current) checkSameIdentity(csr, who.current, who.deviceId); else checkCsrClaims(csr, who.deviceId);
    const actor = deviceActor(who.deviceId);
    const first = who.current === undefined;
    const approval = first ? await checkApproval(this.deps, group, actor, who.deviceId, csr, request) : { kind: 'automatic' as const };
    if (approval.kind === 'wait') return approval.result;
    const extra = await callWebhook(this.deps, group, who, csr, request);
    const attributes = checkAttributes({ ...group.attributes, ...extra, [GROUP_ATTRIBUTE]: group.label });
    const claims = await checkClaims(this.deps, group, who, first);
    const pendingId = approval.kind === 'approved' ? approval.pending.id : null;
    const profile = checkGroupProfile(this.deps.settings.profiles.get(group.profile), group.profile);
    const issued = await this.pipeline.run(profile, issuer, {
      publicKey: csr.publicKey, subject: csr.subject, subjectAltNames: csr.subjectAltNames, deviceId: who.deviceId,
    }, actor, 'certificate.issue', { attributes, enrollment: (c) => this.#commit(group, who, attributes, c, ctx, { ...claims, pendingId }) });
    return { status: 'issued', certificateDer: issued.certificateDer, serial: issued.serial, deviceId: who.deviceId, chainDer: chainBelowRoot(issuer),
      ...(keyEncryption ? { keyEncryption } : {}) };
  }

  /** Step 11's enrollment part: the device record (first enrollment) and its links, with the enrollment's audit event. */
  #commit(
    group: EnrollmentGroupRecord, who: Authenticated, attributes: Readonly<Record<string, string>>, c: IssuedCertificate, ctx: Context,
    claims: Pick<EnrollmentCommit, 'secretHash' | 'bootstrapUse' | 'pendingId'>,
  ): EnrollmentCommit {
    const at = c.issuedAt;
    const links = [
      ...(who.bootstrap ? [{ role: 'bootstrap' as const, serial: who.bootstrap.serial, sha256: who.bootstrap.sha256, at }] : []),
      { role: 'operational' as const, serial: c.serial, sha256: c.sha256, at },
    ];
    return {
      ...claims,
      device: { deviceId: who.deviceId, label: group.label, attributes, at, links },
      audit: [successEvent(at, deviceActor(who.deviceId), 'enrollment.enroll', c.serial, {
        group: group.label, deviceId: who.deviceId, operation: ctx.operation, source: ctx.source, auth: who.via,
        bootstrapSerial: who.bootstrap?.serial ?? null, attributes,
      })],
    };
  }

  async caCertificates(label: string | null): Promise<readonly Uint8Array[]> {
    const caName = label === null && (await this.deps.store.getSetting(DEFAULT_ENROLLMENT_GROUP_SETTING)) === null
      ? await this.deps.store.getSetting(DEFAULT_CA_SETTING)
      : (await this.group(label)).caName;
    if (caName === null) throw new ServiceError('CA_NOT_FOUND', 'no default CA configured');
    const ca = await this.issuers.record(caName);
    if (!ca.certificateDer) throw new ServiceError('CA_NOT_ACTIVE', `CA ${caName} has no certificate yet`, { ca: caName });
    return [ca.certificateDer, ...ca.chainDer];
  }

  async csrAttributes(label: string | null): Promise<Uint8Array | null> {
    if (label === null && (await this.deps.store.getSetting(DEFAULT_ENROLLMENT_GROUP_SETTING)) === null) return null;
    const group = await this.group(label);
    return csrAttrs(checkGroupProfile(this.deps.settings.profiles.get(group.profile), group.profile), group.popLinking);
  }
}
