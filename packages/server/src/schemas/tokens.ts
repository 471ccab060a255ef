/** API tokens as the REST API shows them: never the hash; the token itself only once, at creation. */
import { type Static, Type } from '@sinclair/typebox';
import type { ApiTokenRecord } from '@fleetpki/ca';
import { iso, isoOrNull, NullableTimestamp, Timestamp } from './common.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('auditor')]);

export const TokenView = Type.Object({
  id: Type.String({ description: 'public part of the token; audit events name it as token:<id>' }),
  name: Type.String(),
  role: Role,
  createdAt: Timestamp,
  revokedAt: NullableTimestamp,
});
export type TokenView = Static<typeof TokenView>;

export const TokenList = Type.Object({ items: Type.Array(TokenView) });

export const CreateTokenBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  role: Role,
}, { additionalProperties: false });
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const CreatedToken = Type.Object({
  ...TokenView.properties,
  token: Type.String({ description: 'the bearer token; shown only in this response, store it now' }),
});
export type CreatedToken = Static<typeof CreatedToken>;

export const TokenParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type TokenParams = Static<typeof TokenParams>;

export function tokenView(r: ApiTokenRecord): TokenView {
  return { id: r.id, name: r.name, role: r.role, createdAt: iso(r.createdAt), revokedAt: isoOrNull(r.revokedAt) };
}
