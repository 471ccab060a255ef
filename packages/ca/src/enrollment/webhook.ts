/**
 * The pre-issuance webhook: the group's URL gets a JSON description of the enrollment; a
 * 2xx answer allows it (and may add attributes: {"attributes": {...}}); any other status,
 * a timeout, an unreachable server or a malformed answer refuses it (fail closed).
 */
import { formatGeneralName, formatName, type Csr } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { EnrollmentGroupRecord } from '../ports/enrollment-store.js';
import { checkAttributes } from '../issue/attributes.js';
import type { Authenticated } from './authenticate.js';
import type { EnrollRequest } from './types.js';

export interface WebhookRequestBody {
  readonly group: string;
  readonly deviceId: string;
  readonly operation: EnrollRequest['operation'];
  readonly subject: string;
  readonly sans: readonly string[];
  readonly auth: Authenticated['via'];
  readonly bootstrapSerial: string | null;
  readonly source: string;
}

const refused = (detail: Record<string, unknown>): ServiceError =>
  new ServiceError('ENROLLMENT_REJECTED', 'the pre-issuance webhook refused the enrollment', { by: 'webhook', ...detail });

/** Attributes the webhook adds, or {} when the group has none. */
export async function callWebhook(
  deps: CaDeps, group: EnrollmentGroupRecord, who: Authenticated, csr: Csr, request: EnrollRequest,
): Promise<Readonly<Record<string, string>>> {
  if (!group.webhook) return {};
  if (!deps.webhook) throw refused({ reason: 'no webhook client configured' });
  const body: WebhookRequestBody = {
    group: group.label, deviceId: who.deviceId, operation: request.operation, subject: formatName(csr.subject),
    sans: csr.subjectAltNames.map(formatGeneralName), auth: who.via, bootstrapSerial: who.bootstrap?.serial ?? null, source: request.source,
  };
  const answer = await deps.webhook.postJson(group.webhook.url, body, group.webhook.timeoutMs);
  if (answer.kind === 'timeout') throw refused({ reason: 'timeout', timeoutMs: group.webhook.timeoutMs });
  if (answer.kind === 'unreachable') throw refused({ reason: 'unreachable', error: answer.reason });
  if (answer.status < 200 || answer.status > 299) throw refused({ reason: 'status', status: answer.status });
  const attributes = (answer.body as { attributes?: unknown } | null)?.attributes;
  if (attributes === undefined) return {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) throw refused({ reason: 'malformed answer' });
  try {
    return checkAttributes(attributes as Record<string, string>, 'webhook attributes');
  } catch {
    throw refused({ reason: 'malformed answer' });
  }
}
