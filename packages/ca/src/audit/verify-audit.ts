/** `fleetpki audit verify`: stream the whole log through the chain verifier, page by page. */
import { AuditChainVerifier, type AuditVerification } from '@fleetpki/core';
import type { CaDeps } from '../context.js';
import type { Actor } from '../auth/permissions.js';
import { authorizeAudited } from '../auth/authorize.js';

const PAGE = 5000;

export async function verifyAuditLog(deps: CaDeps, actor: Actor): Promise<AuditVerification> {
  await authorizeAudited(deps, actor, 'audit.read', 'audit.verify');
  const head = await deps.store.auditHead();
  const verifier = new AuditChainVerifier();
  for (let after = 0; ;) {
    const page = await deps.store.readAudit(after, PAGE);
    for (const e of page) {
      const problem = verifier.push(e);
      if (problem) return problem;
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  return verifier.finish(head);
}
