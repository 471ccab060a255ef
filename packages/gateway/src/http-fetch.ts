/**
 * Fetching revocation data over plain HTTP (RFC 5280 4.2.1.13 and RFC 6960 A.1: CRLs and
 * OCSP are served over http, signed, so TLS adds nothing): bounded in time and size, no
 * redirects, no keep-alive pool shared with anything else.
 */
import { request } from 'node:http';

export interface FetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** POST with this body and content type; GET when absent. */
  readonly post?: { readonly body: Uint8Array; readonly contentType: string };
}

export function fetchBytes(url: string, o: FetchOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (!url.startsWith('http://')) { reject(new Error(`only http:// URLs are fetched: ${url}`)); return; }
    const headers = o.post ? { 'Content-Type': o.post.contentType, 'Content-Length': o.post.body.length } : undefined;
    const req = request(url, { method: o.post ? 'POST' : 'GET', timeout: o.timeoutMs, agent: false, ...(headers ? { headers } : {}) }, (res) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > o.maxBytes) req.destroy(new Error(`answer over ${o.maxBytes} bytes`));
        else parts.push(b);
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(o.post ? Buffer.from(o.post.body) : undefined);
  });
}
