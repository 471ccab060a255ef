/**
 * The EST server's one error table: how a refusal goes out on the wire. The status comes
 * from the ServiceError kind (the same KIND_STATUS the REST API uses); the body is plain
 * text with the stable code and the table's fixed message (RFC 7030 4.2.3: a response
 * without an EST content type is human-readable text), never internal error text.
 * 401 carries `WWW-Authenticate: Basic` (libest retries with credentials on it), 429 and
 * 503 carry `Retry-After` in delta-seconds.
 */
import { ERROR_MESSAGES, ServiceError, toServiceError, type ErrorCode } from '@fleetpki/ca';
import { isPkiError } from '@fleetpki/core';
import { HTTP_ERRORS, KIND_STATUS, type ProblemCode } from '../errors.js';
import { EST_MEDIA, type HeaderList } from './response.js';

export const EST_REALM = 'fleetpki est';

export interface EstRefusal {
  readonly status: number;
  readonly code: ProblemCode;
  readonly headers: HeaderList;
  readonly body: Buffer;
}

function refusal(status: number, code: ProblemCode, extra: HeaderList = []): EstRefusal {
  const message = code in HTTP_ERRORS ? HTTP_ERRORS[code as keyof typeof HTTP_ERRORS].title : ERROR_MESSAGES[code as ErrorCode];
  return { status, code, headers: [['Content-Type', EST_MEDIA.text], ...extra], body: Buffer.from(`${code}: ${message}\n`, 'utf8') };
}

/** A refusal the wire layer finds itself (415, 400, 404, 405, 413), or the INTERNAL answer. */
export function httpRefusal(code: ProblemCode, extra: HeaderList = []): EstRefusal {
  const status = code in HTTP_ERRORS ? HTTP_ERRORS[code as keyof typeof HTTP_ERRORS].status : KIND_STATUS[new ServiceError(code as ErrorCode).kind];
  return refusal(status, code, extra);
}

export const METHOD_NOT_ALLOWED = (allow: string): EstRefusal => ({
  ...refusal(405, 'REQUEST_INVALID', [['Allow', allow]]), status: 405,
});

function retryAfter(e: ServiceError): HeaderList {
  const s = e.detail?.['retryAfterSeconds'];
  return [['Retry-After', String(typeof s === 'number' && Number.isFinite(s) ? Math.max(1, Math.ceil(s)) : 1)]];
}

/** The answer for an error thrown by the use case; null for a bug or an outage (answered INTERNAL, logged). */
export function serviceRefusal(error: unknown): EstRefusal | null {
  if (!(error instanceof ServiceError) && !isPkiError(error)) return null;
  const e = toServiceError(error);
  const status = KIND_STATUS[e.kind];
  if (status === 401) return refusal(status, e.code, [['WWW-Authenticate', `Basic realm="${EST_REALM}"`]]);
  if (status === 429 || status === 503) return refusal(status, e.code, retryAfter(e));
  return refusal(status, e.code);
}
