/**
 * OCSP POST and GET without Fastify. Live signing (a nonce in every request) is mostly the HTTP
 * stack's cost: about 60 us in the use case against about 100 us of Fastify's per-request
 * pipeline (docs/benchmarks.md), which left us at half the rate of `openssl ocsp`. Plain
 * POSTs to exactly /ocsp, with a Content-Length within the limit and the OCSP media
 * type, and RFC 5019 GETs of /ocsp/<base64> without a query or a body, are answered here
 * from the node:http request; everything else (odd requests, errors) goes on to
 * Fastify's routes in routes/ocsp.ts, which give the same answers for the same input.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OcspResponder } from '@fleetpki/ca';
import { ocspErrorResponse } from '@fleetpki/core';
import { OCSP_MAX_REQUEST_BYTES, decodeGetRequest, notModified, ocspHttpAnswer } from './routes/ocsp.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const GET_PREFIX = '/ocsp/';

/** A GET the fast path answers: its decoded request, or null to leave it to the route. */
function claimedGet(req: IncomingMessage): Buffer | null {
  const url = req.url ?? '';
  if (req.method !== 'GET' || !url.startsWith(GET_PREFIX) || url.includes('?') || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return null;
  return decodeGetRequest(url.slice(GET_PREFIX.length));
}

function claims(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/ocsp') return false;
  if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/ocsp-request') return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= OCSP_MAX_REQUEST_BYTES && req.headers['transfer-encoding'] === undefined;
}

/** Wraps Fastify's handler: OCSP POSTs first, the rest to `next`. */
export function ocspFastPath(responder: () => OcspResponder, now: () => Date, next: RequestHandler, onError: (err: unknown) => void): RequestHandler {
  const answer = (res: ServerResponse, der: Buffer, get: IncomingMessage | null): void => {
    responder().respond(der).then((a) => {
      if (get && notModified(a, get.headers['if-none-match'])) {
        res.writeHead(304, { etag: a.response.etag });
        res.end();
        return;
      }
      const { headers, body: out } = ocspHttpAnswer(a, now(), get !== null);
      res.writeHead(200, { ...headers, 'content-length': out.length });
      res.end(out);
    }).catch((err: unknown) => {
      onError(err);
      // A bug or an outage is still an OCSP answer (RFC 6960 4.2.1 internalError), never our error text.
      const der = ocspErrorResponse('internalError');
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/ocsp-response', 'cache-control': 'no-store', 'content-length': der.length });
      res.end(der);
    });
  };
  return (req, res) => {
    const get = claimedGet(req);
    if (get) { answer(res, get, req); return; }
    if (!claims(req)) return next(req, res);
    const length = Number(req.headers['content-length']);
    const body = Buffer.allocUnsafe(length);
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      if (received + chunk.length > length) { req.destroy(); return; }
      chunk.copy(body, received);
      received += chunk.length;
    });
    req.on('end', () => {
      if (received !== length) { req.destroy(); return; }
      answer(res, body, null);
    });
    req.on('error', () => req.destroy());
  };
}
