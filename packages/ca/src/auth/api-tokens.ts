/**
 * API tokens: "fpk_<id>_<secret>". The id is public (lists, audit); only the SHA-256 of
 * the whole token is stored, so a leaked database does not leak working tokens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { ApiTokenRecord, Role } from '../ports/store.js';
import { successEvent } from '../audit/audit-log.js';
import { type Actor } from './permissions.js';
import { audited, authorize, authorizeAudited } from './authorize.js';

const ROLES: readonly Role[] = ['admin', 'operator', 'auditor'];
const TOKEN_FORMAT = /^fpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface NewApiToken { readonly record: ApiTokenRecord; readonly token: string }

export async function createApiToken(deps: CaDeps, actor: Actor, input: { name: string; role: Role }): Promise<NewApiToken> {
  return audited(deps, actor, 'token.create', input.name, async () => {
    authorize(actor, 'token.manage');
    if (!ROLES.includes(input.role)) throw new ServiceError('REQUEST_INVALID', `role must be one of ${ROLES.join(', ')}`);
    if (!/^[\w .@-]{1,64}$/.test(input.name)) throw new ServiceError('REQUEST_INVALID', 'token name: 1-64 letters, digits, space . @ _ -');
    const id = Buffer.from(deps.random.bytes(8)).toString('hex');
    const token = `fpk_${id}_${Buffer.from(deps.random.bytes(32)).toString('base64url')}`;
    const now = deps.clock.now();
    const record: ApiTokenRecord = { id, name: input.name, role: input.role, tokenHash: hashToken(token), createdAt: now, revokedAt: null };
    await deps.store.createApiToken(record, [successEvent(now, actor, 'token.create', id, { name: input.name, role: input.role })]);
    return { record, token };
  });
}

/** The actor a bearer token stands for; UNAUTHENTICATED for anything else. */
export async function authenticateToken(deps: CaDeps, token: string | undefined): Promise<Actor> {
  const m = token ? TOKEN_FORMAT.exec(token) : null;
  if (!token || !m) throw new ServiceError('UNAUTHENTICATED');
  const hash = hashToken(token);
  const record = await deps.store.findApiTokenByHash(hash);
  if (!record || record.revokedAt !== null || record.id !== m[1] ||
      !timingSafeEqual(Buffer.from(record.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) {
    throw new ServiceError('UNAUTHENTICATED');
  }
  return { id: `token:${record.id}`, role: record.role };
}

export async function listApiTokens(deps: CaDeps, actor: Actor): Promise<ApiTokenRecord[]> {
  await authorizeAudited(deps, actor, 'token.manage', 'token.list');
  return deps.store.listApiTokens();
}

export async function revokeApiToken(deps: CaDeps, actor: Actor, id: string): Promise<void> {
  return audited(deps, actor, 'token.revoke', id, async () => {
    authorize(actor, 'token.manage');
    const now = deps.clock.now();
    await deps.store.revokeApiToken(id, now, [successEvent(now, actor, 'token.revoke', id)]);
  });
}
