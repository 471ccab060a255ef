/**
 * EST client (RFC 7030, RFC 8951) over connections validated by tls-connect.ts: a new
 * connection per request, so every exchange re-validates the server certificate.
 * Answers: 200 certs-only (base64 DER, line breaks ignored), 202 + Retry-After (pending),
 * 401 + WWW-Authenticate: Basic (retried once with the enrollment secret, RFC 7030 3.2.3),
 * anything else a refusal whose body starts with the server's stable code.
 */
import { request } from 'node:http';
import { parseCertsOnly, type Certificate, type TrustStore } from '@fleetpki/core';
import { AgentError } from './errors.js';
import { type ClientIdentity, connectVerified } from './tls-connect.js';

export const EST_MAX_ANSWER_BYTES = 256 * 1024;

export interface EstClientOptions {
  /** https://host:port of the EST server. */
  readonly url: string;
  /** The enrollment group's label, or null for the default one. */
  readonly label: string | null;
  readonly timeoutMs: number;
}

export interface BasicCredentials { readonly username: string; readonly password: string }

export interface HttpAnswer { readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly body: Buffer }

export type EnrollAnswer =
  | { readonly kind: 'issued'; readonly certificate: Uint8Array }
  | { readonly kind: 'pending'; readonly retryAfterSeconds: number };

export interface ExchangeContext {
  readonly trust: TrustStore;
  readonly now: Date;
  readonly identity: ClientIdentity | null;
  /** Told the anchor every validated connection ended at (to promote a pinned root). */
  readonly onAnchor?: (anchor: Certificate) => void;
  /** See ConnectOptions.unverified. */
  readonly unverified?: boolean;
}

const readBody = (res: import('node:http').IncomingMessage): Promise<Buffer> => new Promise((resolve, reject) => {
  const parts: Buffer[] = [];
  let size = 0;
  res.on('data', (b: Buffer) => {
    size += b.length;
    if (size > EST_MAX_ANSWER_BYTES) res.destroy(new AgentError('EST_BAD_RESPONSE', `answer over ${EST_MAX_ANSWER_BYTES} bytes`));
    else parts.push(b);
  });
  res.on('end', () => resolve(Buffer.concat(parts)));
  res.on('error', reject);
});

/** One HTTP exchange over a freshly validated TLS connection. */
export async function exchange(url: URL, method: 'GET' | 'POST', path: string, ctx: ExchangeContext, timeoutMs: number, body?: Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const { socket, path: verified } = await connectVerified({ host, port, trust: ctx.trust, now: ctx.now, identity: ctx.identity, timeoutMs, unverified: ctx.unverified === true });
  if (verified) ctx.onAnchor?.(verified.anchor);
  return new Promise((resolve, reject) => {
    const req = request({
      createConnection: () => socket, method, path, host, port,
      headers: { Host: url.host, ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}), Connection: 'close' },
      timeout: timeoutMs,
    }, (res) => {
      readBody(res).then((b) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }); }, reject);
    });
    req.on('timeout', () => req.destroy(new AgentError('CA_UNREACHABLE', `no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => { socket.destroy(); reject(e instanceof AgentError ? e : new AgentError('CA_UNREACHABLE', e.message)); });
    req.end(body);
  });
}

/** RFC 9110 10.2.3: delta-seconds (the only form EST servers send); an HTTP-date is honoured too. */
export function retryAfterSeconds(h: string | string[] | undefined, now: Date): number | null {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((t - now.getTime()) / 1000));
}

/** A refusal's code: the text body is `<CODE>: <message>` (docs/est.md, Answers). */
export function refusal(a: HttpAnswer, now: Date): AgentError {
  const text = a.body.toString('utf8').slice(0, 500);
  const code = /^([A-Z][A-Z0-9_]+):/.exec(text)?.[1] ?? `HTTP_${a.status}`;
  const retry = retryAfterSeconds(a.headers['retry-after'], now);
  return new AgentError('EST_REFUSED', `EST ${a.status} ${code}`, { status: a.status, estCode: code, ...(retry !== null ? { retryAfterSeconds: retry } : {}) });
}

function certsOnly(a: HttpAnswer): Uint8Array[] {
  try {
    return parseCertsOnly(Buffer.from(a.body.toString('latin1').replace(/[\r\n\s]/g, ''), 'base64'));
  } catch (e) {
    throw new AgentError('EST_BAD_RESPONSE', `certs-only: ${(e as Error).message}`);
  }
}

export class EstClient {
  private readonly base: URL;
  constructor(readonly options: EstClientOptions) {
    this.base = new URL(options.url);
  }

  private path(op: string): string {
    return `/.well-known/est/${this.options.label ? `${encodeURIComponent(this.options.label)}/` : ''}${op}`;
  }

  /** RFC 7030 4.1: the CA certificates (issuing CA, its chain, the root). */
  async cacerts(ctx: ExchangeContext): Promise<Uint8Array[]> {
    const a = await exchange(this.base, 'GET', this.path('cacerts'), ctx, this.options.timeoutMs);
    if (a.status !== 200) throw refusal(a, ctx.now);
    return certsOnly(a);
  }

  /** RFC 7030 4.2.1 / 4.2.2; with `basic`, the credentials are sent after the server's 401. */
  async enroll(op: 'simpleenroll' | 'simplereenroll', csrDer: Uint8Array, ctx: ExchangeContext, basic?: BasicCredentials): Promise<EnrollAnswer> {
    const body = Buffer.from(`${Buffer.from(csrDer).toString('base64').replace(/.{64}/g, '$&\n')}\n`);
    const headers = { 'Content-Type': 'application/pkcs10' };
    let a = await exchange(this.base, 'POST', this.path(op), ctx, this.options.timeoutMs, body, headers);
    if (a.status === 401 && basic && /^Basic/i.test(String(a.headers['www-authenticate'] ?? ''))) {
      const authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
      a = await exchange(this.base, 'POST', this.path(op), ctx, this.options.timeoutMs, body, { ...headers, Authorization: authorization });
    }
    if (a.status === 202) return { kind: 'pending', retryAfterSeconds: retryAfterSeconds(a.headers['retry-after'], ctx.now) ?? 60 };
    if (a.status !== 200) throw refusal(a, ctx.now);
    const certs = certsOnly(a);
    if (certs.length < 1) throw new AgentError('EST_BAD_RESPONSE', 'the answer holds no certificate');
    return { kind: 'issued', certificate: certs[0]! };
  }
}
