/**
 * The WebhookClient port (@fleetpki/ca ports/webhook.ts) over node:http / node:https: one
 * POST of JSON, a whole-request deadline, an answer body capped at 64 KiB. Anything but a
 * complete answer is 'timeout' or 'unreachable'; the use case refuses on both.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { WebhookAnswer, WebhookClient } from '@fleetpki/ca';

const MAX_ANSWER_BYTES = 64 * 1024;

/** JSON, or null for an empty or non-JSON body (then the answer carries no attributes). */
function parseBody(text: string): unknown {
  try { return JSON.parse(text) as unknown; } catch { return null; }
}

export function httpWebhookClient(): WebhookClient {
  return {
    postJson(url: string, body: unknown, timeoutMs: number): Promise<WebhookAnswer> {
      return new Promise((resolve) => {
        const payload = Buffer.from(JSON.stringify(body), 'utf8');
        const send = url.startsWith('https:') ? httpsRequest : httpRequest;
        let settled = false;
        const done = (a: WebhookAnswer) => { if (!settled) { settled = true; clearTimeout(timer); req.destroy(); resolve(a); } };
        const req = send(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) done({ kind: 'unreachable', reason: 'answer too large' });
            else chunks.push(c);
          });
          res.on('end', () => {
            done({ kind: 'answered', status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) });
          });
          res.on('error', (e) => done({ kind: 'unreachable', reason: e.message }));
        });
        const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
        req.on('error', (e) => done({ kind: 'unreachable', reason: e.message }));
        req.end(payload);
      });
    },
  };
}
