/**
 * OCSP POST without Fastify. Live signing (a nonce in every request) is mostly the HTTP
 * stack's cost: about 60 us in the use case against about 100 us of Fastify's per-request
 * pipeline (docs/benchmarks.md), which left us at half the rate of `openssl ocsp`. Plain
 * POSTs to exactly /ocsp, with a Content-Length within the limit and the OCSP media
 * type, are answered here from the node:http request; everything else (GET, odd
 * requests, errors) goes on to Fastify's routes in routes/ocsp.ts, which give the same
 * answers for the same input.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OcspResponder } from '@fleetpki/ca';
import { ocspErrorResponse } from '@fleetpki/core';
import { OCSP_MAX_REQUEST_BYTES, ocspHttpAnswer } from './routes/ocsp.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

function claims(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== '/ocsp') return false;
  if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/ocsp-request') return false;
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length > 0 && length <= OCSP_MAX_REQUEST_BYTES && req.headers['transfer-encoding'] === undefined;
}

/** Wraps Fastify's handler: OCSP POSTs first, the rest to `next`. */
export function ocspFastPath(responder: () => OcspResponder, now: () => Date, next: RequestHandler, onError: (err: unknown) => void): RequestHandler {
  return (req, res) => {
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
      responder().respond(body).then((answer) => {
        const { headers, body: out } = ocspHttpAnswer(answer, now(), false);
        res.writeHead(200, { ...headers, 'content-length': out.length });
        res.end(out);
      }).catch((err: unknown) => {
        onError(err);
        // A bug or an outage is still an OCSP answer (RFC 6960 4.2.1 internalError), never our error text.
        const der = ocspErrorResponse('internalError');
        if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/ocsp-response', 'cache-control': 'no-store', 'content-length': der.length });
        res.end(der);
      });
    });
    req.on('error', () => req.destroy());
  };
}
