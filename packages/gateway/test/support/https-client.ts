/** One HTTPS request over a given agent (or a new connection), answering status, headers and body. */
import { request, type Agent } from 'node:https';
import type { ConnectionOptions } from 'node:tls';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly json: unknown;
}

export function post(port: number, path: string, tls: ConnectionOptions, o: { body?: string | Buffer; contentType?: string; method?: string; agent?: Agent } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : Buffer.from(o.body);
    const req = request({
      host: '127.0.0.1', port, path, method: o.method ?? 'POST', ...tls, ...(o.agent ? { agent: o.agent } : { agent: false }),
      headers: { ...(o.contentType ? { 'Content-Type': o.contentType } : {}), ...(body ? { 'Content-Length': body.length } : {}) },
    }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json: unknown = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}
