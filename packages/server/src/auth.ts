/**
 * Bearer-token authentication for /api/v1 (RFC 6750). The token is handed to the CA and
 * never logged or audited; a refusal is audited with the route it was aimed at.
 */
import type { FastifyRequest } from 'fastify';
import { type Actor, type CertificateAuthority, ERROR_KIND, type ErrorCode, ServiceError } from '@fleetpki/ca';
import type { Answer } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on /api/v1 routes; null elsewhere. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Audit action for refusals the HTTP layer finds on this route (default "api.request"). */
    auditAction?: string;
  }
}

/** Who a refusal is audited as when no valid credentials came with the request. */
export const ANONYMOUS: Actor = Object.freeze({ id: 'anonymous', role: 'auditor' });

/** The token of an `Authorization: Bearer <token>` header, or undefined (RFC 6750 2.1). */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return m?.[1];
}

const routeOf = (request: FastifyRequest): string => `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;

/** The authenticated actor of a request; a route outside the authenticated scope asking is a bug. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error(`route ${routeOf(request)} is not behind authentication`);
  return request.actor;
}

export function authenticationHook(ca: CertificateAuthority) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = bearerToken(header);
    try {
      request.actor = await ca.authenticate(token);
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      const credentials = header === undefined ? 'missing' : token === undefined ? 'not a bearer token' : 'invalid';
      try {
        await ca.recordRefusal(ANONYMOUS, 'api.authenticate', routeOf(request), new ServiceError(e.code, e.message, { credentials }));
      } catch (err) {
        request.log.error({ err }, 'could not audit a refusal');
      }
      throw e;
    }
  };
}

/**
 * Audits a refusal found before the use case ran (body too large, schema invalid) for an
 * authenticated caller. A failing audit write is logged, not answered: the refusal stands.
 */
export function httpRefusalAuditor(ca: CertificateAuthority) {
  return async (request: FastifyRequest, answer: Answer): Promise<void> => {
    if (!request.actor || !(answer.code in ERROR_KIND)) return;
    const action = request.routeOptions.config?.auditAction ?? 'api.request';
    try {
      await ca.recordRefusal(request.actor, action, routeOf(request), new ServiceError(answer.code as ErrorCode, answer.detail));
    } catch (err) {
      request.log.error({ err }, 'could not audit a refusal');
    }
  };
}
