/**
 * Schemas shared by every route: the problem document (RFC 9457), timestamps, PEM text.
 * TypeBox schemas are JSON Schema, so the same objects validate requests, serialize
 * responses and become the OpenAPI document.
 */
import { Type } from '@sinclair/typebox';

export const PROBLEM_SCHEMA_ID = 'Problem';

/** RFC 9457 problem details, with our stable `code` as an extension member. */
export const Problem = Type.Object({
  type: Type.String({ description: 'https://fleetpki.dev/errors/<code>' }),
  title: Type.String({ description: 'what the code means, the same for every occurrence' }),
  status: Type.Integer(),
  detail: Type.String({ description: 'this occurrence, safe to show; never internal error text' }),
  code: Type.String({ description: 'stable error code (docs/errors.md)' }),
  instance: Type.String({ description: 'the request id; quote it when reporting a problem' }),
}, { $id: PROBLEM_SCHEMA_ID, title: 'Problem' });

const problemResponse = {
  description: 'RFC 9457 problem; `code` says what went wrong',
  content: { 'application/problem+json': { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } },
};

/** Adds problem responses for the statuses a route can answer, for the OpenAPI document. */
export function withProblems(responses: Readonly<Record<number, unknown>>, statuses: readonly number[]): Record<number, unknown> {
  const out: Record<number, unknown> = { ...responses };
  for (const s of [...statuses, 500]) out[s] = problemResponse;
  return out;
}

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const NullableString = Type.Union([Type.String(), Type.Null()]);
export const Pem = Type.String({ description: 'PEM (RFC 7468)' });

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
