/**
 * The EST server (RFC 7030, RFC 8951) as a plain node:http(s) request handler, in front of
 * Fastify on the TLS listener. Plain node because EST clients are strict about bytes that
 * Fastify would choose for us (header case, Content-Length on every answer, exact content
 * types); the handler only decodes, calls the EnrollmentService, and encodes.
 *
 *   GET  /.well-known/est[/<label>]/cacerts         certs-only SignedData of the CA certificates
 *   GET  /.well-known/est[/<label>]/csrattrs        DER CsrAttrs, or 204
 *   POST /.well-known/est[/<label>]/simpleenroll    base64 PKCS#10 -> certs-only SignedData (one certificate)
 *   POST /.well-known/est[/<label>]/simplereenroll  same, authenticated by the current certificate
 *   POST /.well-known/est[/<label>]/serverkeygen    base64 PKCS#10 -> multipart/mixed (key, certificate)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { type EnrollmentAuth, type EnrollmentService, type EnrollOperation, type EnrollResult } from '@fleetpki/ca';
import { encodeCertsOnly } from '@fleetpki/core';
import { channelBindingOf } from './channel-binding.js';
import { enrollmentAuth } from './credentials.js';
import { httpRefusal, METHOD_NOT_ALLOWED, serviceRefusal, type EstRefusal } from './errors.js';
import { decodeBase64Body, encodeBase64Body, mediaTypeOf } from './media.js';
import { base64Headers, EST_MEDIA, send } from './response.js';
import { keyPart, SERVERKEYGEN_CONTENT_TYPE, serverGeneratedRequest, serverKeygenBody } from './serverkeygen.js';

export const EST_PREFIX = '/.well-known/est/';
/** A base64 CSR of CSR_MAX_BYTES (64 KiB) with line breaks fits; anything larger is refused with 413. */
export const EST_MAX_BODY_BYTES = 96 * 1024;

const OPERATIONS = ['cacerts', 'csrattrs', 'simpleenroll', 'simplereenroll', 'serverkeygen'] as const;
type Operation = (typeof OPERATIONS)[number];
/** What may stand between the prefix and the operation; which labels exist is the use case's business (404 from it). */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const isEnroll = (op: Operation): op is EnrollOperation => op !== 'cacerts' && op !== 'csrattrs';

export interface EstDeps {
  readonly service: EnrollmentService;
  /** Audits a refusal the wire layer found before the use case ran (the use case audits its own). Must not throw. */
  readonly auditRefusal: (refusal: { label: string | null; operation: string; code: string; reason: string; source: string }) => Promise<void>;
  readonly onInternalError: (err: unknown) => void;
  readonly maxBodyBytes?: number;
}

interface Route { readonly label: string | null; readonly operation: Operation }

/** `/.well-known/est/<op>` or `/.well-known/est/<label>/<op>`; null for anything else under the prefix. */
export function parseEstPath(url: string): Route | null {
  const path = url.split('?')[0]!.slice(EST_PREFIX.length);
  const parts = path.split('/');
  if (parts.length > 2) return null;
  const operation = parts.at(-1) as Operation;
  if (!OPERATIONS.includes(operation)) return null;
  const label = parts.length === 2 ? parts[0]! : null;
  if (label !== null && (!LABEL.test(label) || (OPERATIONS as readonly string[]).includes(label))) return null;
  return { label, operation };
}

const sendRefusal = (res: ServerResponse, r: EstRefusal): void => send(res, r.status, r.headers, r.body);
const sourceOf = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/** Reads the body up to `max` bytes; null when it is larger (the caller answers 413). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function issuedAnswer(res: ServerResponse, result: EnrollResult, pkcs8Der: Buffer | null, auth: EnrollmentAuth): void {
  if (result.status === 'pending') {
    // RFC 7030 4.2.3: 202 and Retry-After in delta-seconds (libest parses no HTTP-date).
    send(res, 202, [['Content-Type', EST_MEDIA.text], ['Retry-After', String(Math.max(1, Math.ceil(result.retryAfterSeconds)))]],
      Buffer.from(`pending: request ${result.requestId}; send the same CSR again after ${result.retryAfterSeconds} s\n`));
    return;
  }
  // RFC 7030 4.2.3: exactly the issued certificate (globalsign/est refuses 0 or more than 1).
  const certsOnly = encodeCertsOnly([result.certificateDer]);
  if (pkcs8Der) {
    send(res, 200, [['Content-Type', SERVERKEYGEN_CONTENT_TYPE]], serverKeygenBody(keyPart(pkcs8Der, result.keyEncryption, auth), certsOnly));
    return;
  }
  send(res, 200, base64Headers(EST_MEDIA.certsOnly), encodeBase64Body(certsOnly));
}

/** RFC 7030 4.2.1: the body is a base64 PKCS#10; refusals here are the wire's (415, 413, 400). */
async function decodeEnrollBody(req: IncomingMessage, max: number): Promise<{ csrDer: Buffer } | { refusal: EstRefusal; reason: string }> {
  const type = mediaTypeOf(req.headers['content-type']);
  if (type !== EST_MEDIA.pkcs10) return { refusal: httpRefusal('UNSUPPORTED_MEDIA_TYPE'), reason: `media type ${JSON.stringify(type.slice(0, 64))}` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return { refusal: httpRefusal('INPUT_TOO_LARGE'), reason: `Content-Length ${declared} over ${max}` };
  const body = await readBody(req, max);
  if (body === null) return { refusal: httpRefusal('INPUT_TOO_LARGE'), reason: `body over ${max} bytes` };
  const csrDer = decodeBase64Body(body);
  if (csrDer === null) return { refusal: httpRefusal('REQUEST_INVALID'), reason: 'the body is not base64' };
  return { csrDer };
}

async function enroll(deps: EstDeps, req: IncomingMessage, res: ServerResponse, route: Route & { operation: EnrollOperation }): Promise<void> {
  const decoded = await decodeEnrollBody(req, deps.maxBodyBytes ?? EST_MAX_BODY_BYTES);
  if ('refusal' in decoded) {
    await deps.auditRefusal({ label: route.label, operation: route.operation, code: decoded.refusal.code, reason: decoded.reason, source: sourceOf(req) });
    // An unread body is not worth draining: close the connection after this answer.
    if (!req.complete) res.setHeader('Connection', 'close');
    return sendRefusal(res, decoded.refusal);
  }
  const generated = route.operation === 'serverkeygen' ? await serverGeneratedRequest(decoded.csrDer) : null;
  const socket = req.socket as TLSSocket;
  const auth = enrollmentAuth(req, route.operation);
  try {
    const result = await deps.service.enroll({
      label: route.label, operation: route.operation, csrDer: generated?.csrDer ?? decoded.csrDer, auth,
      channelBinding: typeof socket.getProtocol === 'function' ? channelBindingOf(socket) : null,
      source: sourceOf(req),
    });
    issuedAnswer(res, result, generated?.pkcs8Der ?? null, auth);
  } finally {
    // The generated key leaves only in this answer, or not at all.
    generated?.pkcs8Der.fill(0);
  }
}

async function answer(deps: EstDeps, req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
  const method = isEnroll(route.operation) ? 'POST' : 'GET';
  if (req.method !== method) return sendRefusal(res, METHOD_NOT_ALLOWED(method));
  if (isEnroll(route.operation)) return enroll(deps, req, res, { ...route, operation: route.operation });
  if (route.operation === 'cacerts') {
    // RFC 7030 4.1.3: every CA certificate the client may need, including rollover certificates.
    const der = encodeCertsOnly(await deps.service.caCertificates(route.label));
    return send(res, 200, base64Headers(EST_MEDIA.cacerts), encodeBase64Body(der));
  }
  const attrs = await deps.service.csrAttributes(route.label);
  if (attrs === null) {
    // RFC 7030 4.5.2: 204 when there is nothing to ask; RFC 9110 8.6: no Content-Length on a 204.
    res.writeHead(204);
    res.end();
    return;
  }
  return send(res, 200, base64Headers(EST_MEDIA.csrattrs), encodeBase64Body(attrs));
}

/** The EST request handler: answers `/.well-known/est/...` and returns true, or returns false for anything else. */
export function estHandler(deps: EstDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith(EST_PREFIX)) return false;
    const route = parseEstPath(url);
    if (!route) {
      sendRefusal(res, httpRefusal('NOT_FOUND'));
      return true;
    }
    answer(deps, req, res, route).catch((err: unknown) => {
      const refusal = serviceRefusal(err);
      if (!refusal) deps.onInternalError(err);
      if (res.headersSent) { res.destroy(); return; }
      sendRefusal(res, refusal ?? httpRefusal('INTERNAL'));
    });
    return true;
  };
}
