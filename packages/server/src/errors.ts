/**
 * The REST API's one error table: ServiceError kinds (and the few failures the HTTP layer
 * finds itself) become RFC 9457 application/problem+json with a stable `code`. Anything
 * else is a bug or an outage: logged with the request id, answered 500 INTERNAL without
 * its message (cfssl's HandleError leaked err.Error(); we do not).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isPkiError } from '@fleetpki/core';
import { ERROR_KIND, ERROR_MESSAGES, ServiceError, toServiceError, type ErrorCode, type ServiceErrorKind } from '@fleetpki/ca';

export const KIND_STATUS: Readonly<Record<ServiceErrorKind, number>> = Object.freeze({
  malformed: 400,
  rejected: 422,
  too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
});

/** Codes only the HTTP layer answers with; every other code comes from the CA's ERROR_KIND table. */
export const HTTP_ERRORS = Object.freeze({
  NOT_FOUND: { status: 404, title: 'no such route' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'the request body media type is not supported' },
  INTERNAL: { status: 500, title: 'internal error' },
} as const);
export type HttpErrorCode = keyof typeof HTTP_ERRORS;
/** Compile-time check: an HTTP code never reuses a CA code (one code, one meaning). */
export const HTTP_CODES_ARE_NEW: Extract<HttpErrorCode, ErrorCode> extends never ? true : never = true;

export type ProblemCode = ErrorCode | HttpErrorCode;
/** Every code the REST API can answer with; docs/errors.md is checked against this list. */
export const PROBLEM_CODES: readonly ProblemCode[] = Object.freeze([
  ...(Object.keys(ERROR_KIND) as ErrorCode[]), ...(Object.keys(HTTP_ERRORS) as HttpErrorCode[]),
]);

export const PROBLEM_TYPE_BASE = 'https://fleetpki.dev/errors/';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly instance: string;
}

/** A classified failure: what to answer, and whether it came from a use case or from Fastify. */
export interface Answer {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: string;
  readonly origin: 'service' | 'http';
}

export function titleOf(code: ProblemCode): string {
  return code in HTTP_ERRORS ? HTTP_ERRORS[code as HttpErrorCode].title : ERROR_MESSAGES[code as ErrorCode];
}

export function serviceAnswer(e: ServiceError): Answer {
  return { code: e.code, status: KIND_STATUS[e.kind], detail: e.message, origin: 'service' };
}

function codeAnswer(code: ErrorCode, detail: string): Answer {
  return { code, status: KIND_STATUS[ERROR_KIND[code]], detail, origin: 'http' };
}

/** Fastify's own refusals, with fixed details: their messages are not part of our contract. */
function fastifyAnswer(e: FastifyError, bodyLimit: number): Answer | null {
  // Schema validation messages come from our own schemas ("body must have required property 'csr'").
  if (e.validation) return codeAnswer('REQUEST_INVALID', e.message);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return codeAnswer('INPUT_TOO_LARGE', `the request body exceeds ${bodyLimit} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, detail: 'send application/json', origin: 'http' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return codeAnswer('REQUEST_INVALID', 'the body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return codeAnswer('REQUEST_INVALID', 'the body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return codeAnswer('REQUEST_INVALID', 'the body does not match Content-Length');
    default: break;
  }
  const status = e.statusCode ?? 500;
  if (typeof e.code === 'string' && e.code.startsWith('FST_') && status >= 400 && status < 500) {
    return status === 404 ? { code: 'NOT_FOUND', status, detail: 'no such route', origin: 'http' } : codeAnswer('REQUEST_INVALID', 'the request is invalid');
  }
  return null;
}

/** The answer for `error`, or null when it is a bug or an outage (answered 500 INTERNAL). */
export function classify(error: unknown, bodyLimit: number): Answer | null {
  if (error instanceof ServiceError) return serviceAnswer(error);
  if (isPkiError(error)) return serviceAnswer(toServiceError(error));
  if (error instanceof Error) return fastifyAnswer(error as FastifyError, bodyLimit);
  return null;
}

export function problemOf(answer: Answer, requestId: string): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}${answer.code}`, title: titleOf(answer.code), status: answer.status,
    detail: answer.detail, code: answer.code, instance: requestId,
  };
}

export function internalAnswer(requestId: string): Answer {
  return { code: 'INTERNAL', status: 500, detail: `internal error, request id ${requestId}`, origin: 'http' };
}

/** Sends the problem as a pre-serialized string, so no route response schema reshapes it. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, answer: Answer): FastifyReply {
  if (answer.status === 401) reply.header('www-authenticate', 'Bearer realm="fleetpki"');
  // Also set here: framework errors (a malformed URL) skip the onSend hook that usually does it.
  reply.header('x-request-id', request.id);
  return reply.code(answer.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(problemOf(answer, request.id)));
}

export interface ProblemHandlerOptions {
  readonly bodyLimit: number;
  readonly onAnswer: (code: ProblemCode) => void;
  /** Audits a refusal the HTTP layer found itself (the CA audits its own). Must not throw. */
  readonly auditHttpRefusal: (request: FastifyRequest, answer: Answer) => Promise<void>;
}

type ProblemApp = Pick<import('fastify').FastifyInstance, 'setErrorHandler' | 'setNotFoundHandler'>;

/** Installs the error and not-found handlers: every failure leaves as a problem document. */
export function installProblemHandlers(app: ProblemApp, opts: ProblemHandlerOptions): void {
  app.setErrorHandler(async (error: unknown, request, reply) => {
    const answer = classify(error, opts.bodyLimit);
    if (!answer) {
      // The only place internal error text goes: the log, under the request id.
      request.log.error({ err: error }, 'internal error');
      opts.onAnswer('INTERNAL');
      return sendProblem(reply, request, internalAnswer(request.id));
    }
    if (answer.status >= 500) request.log.warn({ err: error, code: answer.code }, 'service unavailable');
    else request.log.debug({ code: answer.code }, 'refused');
    if (answer.origin === 'http') await opts.auditHttpRefusal(request, answer);
    opts.onAnswer(answer.code);
    return sendProblem(reply, request, answer);
  });
  app.setNotFoundHandler((request, reply) => {
    opts.onAnswer('NOT_FOUND');
    return sendProblem(reply, request, { code: 'NOT_FOUND', status: 404, detail: 'no such route', origin: 'http' });
  });
}
