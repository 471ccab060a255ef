/**
 * The OCSP responder over HTTP (RFC 6960 appendix A, RFC 5019 5): POST with an
 * application/ocsp-request body, or GET with the base64 request URL-encoded in the path.
 * Every answer is 200 application/ocsp-response; errors are OCSPResponseStatus values in
 * the body (malformedRequest, unauthorized, tryLater), never HTTP errors or text.
 * GET answers carry caching headers derived from nextUpdate (RFC 5019 6).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ocspErrorResponse } from '@fleetpki/core';
import type { OcspAnswer, OcspResponder } from '@fleetpki/ca';

/** RFC 5019 5: GET requests stay under 255 bytes; POST bodies of a few CertIDs fit easily. */
export const OCSP_MAX_REQUEST_BYTES = 16 * 1024;
const CONTENT_TYPE = 'application/ocsp-response';

/** Headers and body of an answer: caching headers only for cacheable GET answers (RFC 5019 6). */
export function ocspHttpAnswer(answer: OcspAnswer, now: Date, cacheHeaders: boolean): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE, 'cache-control': 'no-store' };
  if (answer.status !== 'successful') return { headers, body: answer.der };
  const r = answer.response;
  if (cacheHeaders && answer.cacheable) {
    const maxAge = Math.max(0, Math.floor((r.nextUpdate.getTime() - now.getTime()) / 1000));
    headers['cache-control'] = `max-age=${maxAge}, public, no-transform, must-revalidate`;
    headers['etag'] = r.etag;
    headers['last-modified'] = r.producedAt.toUTCString();
    headers['expires'] = r.nextUpdate.toUTCString();
  }
  return { headers, body: r.der };
}

/** RFC 9110 13.1.2: a cached answer whose strong ETag the client already holds. */
export function notModified(answer: OcspAnswer, ifNoneMatch: string | undefined): answer is Extract<OcspAnswer, { status: 'successful' }> {
  return answer.status === 'successful' && answer.cacheable && ifNoneMatch === answer.response.etag;
}

function send(reply: FastifyReply, answer: OcspAnswer, now: Date, cacheHeaders: boolean): FastifyReply {
  const { headers, body } = ocspHttpAnswer(answer, now, cacheHeaders);
  return reply.headers(headers).send(body);
}

/** The path after /ocsp/: URL-decoded, then standard base64 (RFC 5019 5 allows '/' in it). */
export function decodeGetRequest(path: string): Buffer | null {
  let text: string;
  try { text = decodeURIComponent(path); } catch { return null; }
  if (text.length === 0 || text.length > (OCSP_MAX_REQUEST_BYTES * 4) / 3 + 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

export const ocspRoutes: FastifyPluginAsync<{ responder: OcspResponder; now: () => Date }> = async (app, { responder, now }) => {
  app.addContentTypeParser('application/ocsp-request', { parseAs: 'buffer', bodyLimit: OCSP_MAX_REQUEST_BYTES }, (_req, body, done) => done(null, body));
  // Anything that goes wrong before the handler (too large, wrong type) is still an OCSP answer.
  app.setErrorHandler(async (_error, _request, reply) => reply.code(200).type(CONTENT_TYPE).header('cache-control', 'no-store').send(ocspErrorResponse('malformedRequest')));

  app.post('/ocsp', { schema: { hide: true } }, async (request: FastifyRequest, reply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body)) return send(reply, { status: 'malformedRequest', der: ocspErrorResponse('malformedRequest') }, now(), false);
    return send(reply, await responder.respond(body), now(), false);
  });

  app.get<{ Params: { '*': string } }>('/ocsp/*', { schema: { hide: true } }, async (request, reply) => {
    const der = decodeGetRequest(request.params['*']);
    if (!der) return send(reply, { status: 'malformedRequest', der: ocspErrorResponse('malformedRequest') }, now(), false);
    const answer = await responder.respond(der);
    if (notModified(answer, request.headers['if-none-match'])) return reply.code(304).header('etag', answer.response.etag).send();
    return send(reply, answer, now(), true);
  });
};
