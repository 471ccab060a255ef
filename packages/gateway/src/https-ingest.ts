/**
 * The HTTPS ingestion endpoint (node:https: no framework between the socket and the
 * checks, which run per connection and per message). A device POSTs telemetry to a route
 * its grants allow (default `/telemetry/${device.id}` and below): JSON (application/json
 * or any +json type, which must parse) or any other body as bytes, up to `bodyBytes`.
 * An accepted message is published on the broker under the route as topic
 * (`/telemetry/d1/temp` -> `telemetry/d1/temp`), so backends subscribe to one bus.
 *   1. the connection's admission (once, at the handshake); refused: the problem, then close
 *   2. method, route -> authorization and send rules, before the body is read
 *   3. the body within its limit (413), JSON parsed when declared (400)
 *   4. way-station sequences, then publish and answer 202
 * Refusals are RFC 9457 problem+json with the stable code; HTTP_STATUS is this protocol's table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket, TlsOptions } from 'node:tls';
import { normalizeRequestPath, validateTopicName } from '@fleetpki/core';
import { hangUp, type Gatekeeper } from './gatekeeper.js';
import type { LiveConnection } from './live-connections.js';
import type { MessageGate } from './messages.js';
import type { GatewayMetrics } from './metrics.js';
import type { PresenceRecorder } from './presence.js';
import { REFUSAL_MESSAGES, refusal, type Refusal, type RefusalCode } from './refusals.js';

export const HTTP_STATUS: Readonly<Record<RefusalCode, number>> = Object.freeze({
  GATEWAY_CERT_MISSING: 403, GATEWAY_CERT_INVALID: 403, GATEWAY_CERT_REVOKED: 403, GATEWAY_CERT_UNKNOWN: 403,
  GATEWAY_REVOCATION_UNKNOWN: 403, GATEWAY_DEVICE_UNKNOWN: 403, GATEWAY_CLIENT_ID_MISMATCH: 403, GATEWAY_RULE_FAILED: 403,
  GATEWAY_NOT_AUTHORIZED: 403, GATEWAY_CLONE: 403, GATEWAY_BODY_TOO_LARGE: 413, GATEWAY_BODY_INVALID: 400,
  GATEWAY_METHOD_NOT_ALLOWED: 405, GATEWAY_UNAVAILABLE: 503, SEQUENCE_OUT_OF_ORDER: 409, SEQUENCE_UNKNOWN_STATION: 422,
});

export const PROBLEM_TYPE_BASE = 'https://fleetpki.dev/errors/';

export interface HttpsIngestDeps {
  readonly gatekeeper: Gatekeeper;
  readonly gate: MessageGate;
  readonly publish: (topic: string, payload: Buffer) => void;
  readonly bodyBytes: number;
  readonly metrics: GatewayMetrics;
  readonly presence: PresenceRecorder;
  readonly now: () => Date;
  readonly onError: (err: unknown) => void;
}

type SocketState = LiveConnection | Refusal;
const isRefusal = (s: SocketState): s is Refusal => !('admitted' in s);

/** The problem document: the code and the table's message, nothing from inside (STYLE.md 2.4). */
export function sendProblem(res: ServerResponse, r: Refusal, close: boolean): void {
  const status = HTTP_STATUS[r.code];
  const body = JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${r.code}`, title: REFUSAL_MESSAGES[r.code], status, code: r.code, ...(r.detail.expected ? { expected: r.detail.expected } : {}) });
  res.writeHead(status, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body), ...(close ? { Connection: 'close' } : {}) });
  res.end(body);
}

const isJson = (type: string | undefined): boolean => /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type ?? '');

/** Reads the body up to `limit` bytes; null when it is larger (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) { resolve(null); return; }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > limit) { req.removeAllListeners('data'); resolve(null); } else parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts, size)));
    req.on('error', reject);
  });
}

export class HttpsIngest {
  readonly server: Server;
  readonly #states = new WeakMap<TLSSocket, Promise<SocketState>>();

  constructor(tls: TlsOptions, private readonly d: HttpsIngestDeps) {
    this.server = createServer({ ...tls, keepAliveTimeout: 60_000 }, (req, res) => void this.#request(req, res).catch((err: unknown) => {
      d.onError(err);
      if (!res.headersSent) sendProblem(res, refusal('GATEWAY_UNAVAILABLE'), true);
    }));
    this.server.on('secureConnection', (socket: TLSSocket) => this.#states.set(socket, this.#admit(socket)));
  }

  /** 1. Admission once per connection; its refusal is audited once, answered to each request. */
  async #admit(socket: TLSSocket): Promise<SocketState> {
    const r = await this.d.gatekeeper.admit(socket);
    if (!r.ok) { this.d.gatekeeper.refuseConnection('https', socket, r); return r.refusal; }
    const live = this.d.gatekeeper.register(socket, 'https', r, () => hangUp(socket));
    if (isRefusal(live)) this.d.gatekeeper.refuseConnection('https', socket, { refusal: live, serial: r.serial, deviceId: r.deviceId });
    return live;
  }

  async #request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket as TLSSocket;
    const state = await (this.#states.get(socket) ?? this.#admit(socket));
    if (isRefusal(state)) { sendProblem(res, state, true); return; }
    // 2. method and route
    const refused = this.#refusal(req, state);
    if (refused) return this.#refuse(res, state, refused.r, refused.close);
    const route = (req.url ?? '/').split('?')[0]!;
    const topic = normalizeRequestPath(route)!.slice(1);
    // 3. body
    const body = await readBody(req, this.d.bodyBytes);
    if (body === null) return this.#refuse(res, state, refusal('GATEWAY_BODY_TOO_LARGE'), true);
    let json: unknown;
    if (isJson(req.headers['content-type'])) {
      try { json = JSON.parse(body.toString('utf8')); } catch { return this.#refuse(res, state, refusal('GATEWAY_BODY_INVALID'), false); }
    }
    // 4. sequences, publish
    const result = await this.d.gate.report(state, json);
    if (!result.ok) return this.#refuse(res, state, result.refusal, false);
    this.d.publish(topic, body);
    this.d.metrics.messages.inc({ protocol: 'https' });
    this.d.presence.seen(state.admitted.deviceId, state.admitted.serial, state.source, this.d.now());
    const flagged = result.flagged.length ? { 'FleetPKI-Flagged': [...new Set(result.flagged.map((v) => v.code))].join(', ') } : {};
    res.writeHead(202, { 'Content-Length': 0, ...flagged });
    res.end();
  }

  #refusal(req: IncomingMessage, c: LiveConnection): { r: Refusal; close: boolean } | null {
    if (req.method !== 'POST') return { r: refusal('GATEWAY_METHOD_NOT_ALLOWED'), close: false };
    const route = (req.url ?? '/').split('?')[0]!;
    const path = normalizeRequestPath(route);
    if (path === null || !validateTopicName(path.slice(1))) return { r: refusal('GATEWAY_NOT_AUTHORIZED', { route }), close: false };
    const r = this.d.gate.authorize(c, { kind: 'post', route });
    return r ? { r, close: false } : null;
  }

  #refuse(res: ServerResponse, c: LiveConnection, r: Refusal, close: boolean): void {
    this.d.gatekeeper.refuseMessage(c, 'gateway.post', r);
    sendProblem(res, r, close || c.closedBy !== null);
  }
}
