/** Enrollment groups and pending enrollments as the CLI prints them (the REST API's views). */
import { toPem } from '@fleetpki/core';
import type { EnrollmentGroupRecord, PendingEnrollmentRecord } from '@fleetpki/ca';
import { fields } from './output.js';

export function groupView(g: EnrollmentGroupRecord) {
  return {
    label: g.label, estPath: `/.well-known/est/${g.label}/`, ca: g.caName, profile: g.profile, anchors: g.anchorsDer.map((d) => toPem('CERTIFICATE', d)),
    deviceIdPattern: g.deviceIdPattern, attributes: { ...g.attributes }, approval: g.approval, rateLimit: g.rateLimit,
    bootstrapReuse: g.bootstrapReuse.kind === 'times' ? g.bootstrapReuse.times : g.bootstrapReuse.kind,
    reenrollWithBootstrap: g.reenrollWithBootstrap, popLinking: g.popLinking, webhook: g.webhook, retryAfterSeconds: g.retryAfterSeconds,
    serverKeygenEncryption: g.serverKeygenEncryption, createdAt: g.createdAt.toISOString(),
  };
}
export type GroupView = ReturnType<typeof groupView>;

export function groupLines(v: GroupView): string[] {
  return fields([
    ['label', v.label], ['EST path', v.estPath], ['CA', v.ca], ['profile', v.profile], ['anchors', v.anchors.length],
    ['device ids', v.deviceIdPattern], ['attributes', Object.entries(v.attributes).map(([k, x]) => `${k}=${x}`).join(', ') || '-'],
    ['approval', v.approval], ['rate limit', v.rateLimit ? `${v.rateLimit.requests} per ${v.rateLimit.perSeconds} s` : 'none'],
    ['bootstrap reuse', String(v.bootstrapReuse)], ['re-enroll with bootstrap', v.reenrollWithBootstrap ? 'yes' : 'no'],
    ['PoP linking', v.popLinking ? 'yes' : 'no'], ['webhook', v.webhook ? `${v.webhook.url} (${v.webhook.timeoutMs} ms)` : 'none'],
    ['serverkeygen encryption', v.serverKeygenEncryption], ['created', v.createdAt],
  ]);
}

export function pendingView(p: PendingEnrollmentRecord) {
  return {
    id: p.id, label: p.label, deviceId: p.deviceId, subject: p.subject, csrSha256: p.csrSha256, source: p.source, status: p.status,
    createdAt: p.createdAt.toISOString(), decidedAt: p.decidedAt?.toISOString() ?? null, decidedBy: p.decidedBy,
  };
}
