#!/usr/bin/env node
// A bounded HTTP load generator, run as its own process so it never shares a core's event
// loop with the server it measures: `connections` keep-alive connections, each with one
// request in flight, for `seconds`. Every request is sent in full (openssl ocsp stalls on a
// connection that closes without one). Prints {count, errors, rps, p50, p99} (ms) as JSON.
//   node loadgen.mjs @options.json, or inline: node loadgen.mjs '{"url":"http://127.0.0.1:PORT","mode":"get","paths":[...],"connections":32,"seconds":5}'
//   mode "post": body = base64 DER, or bodies = [base64 DER, ...] taken in turn; mode "nonce": POST with 16 fresh nonce octets at the end of `body`.
import http from 'node:http';
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const arg = process.argv[2];
const o = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg);
const { hostname, port } = new URL(o.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
const template = o.body ? Buffer.from(o.body, 'base64') : null;
const bodies = (o.bodies ?? []).map((b) => Buffer.from(b, 'base64'));
const lat = [];
let count = 0;
let errors = 0;
let i = 0;
const end = performance.now() + o.seconds * 1000;

function once() {
  return new Promise((resolve) => {
    const path = o.mode === 'get' ? o.paths[i++ % o.paths.length] : (o.path ?? '/ocsp');
    let body = null;
    if (bodies.length > 0) body = bodies[i++ % bodies.length];
    else if (o.mode !== 'get') {
      body = Buffer.from(template);
      if (o.mode === 'nonce') randomFillSync(body, body.length - 16, 16);
    }
    const t = performance.now();
    const req = http.request({ hostname, port, path, method: body ? 'POST' : 'GET', agent,
      headers: body ? { 'content-type': 'application/ocsp-request', 'content-length': body.length } : {} }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        if (res.statusCode === 200) { count++; lat.push(performance.now() - t); } else errors++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.setTimeout(10_000, () => req.destroy());
    req.end(body ?? undefined);
  });
}

// The server may still be starting (openssl ocsp loading a large index): wait for it.
for (const until = performance.now() + (o.waitMs ?? 0); performance.now() < until;) {
  const up = await new Promise((resolve) => { const s = http.get({ hostname, port, path: '/', agent: false }, (r) => { r.resume(); resolve(true); }); s.on('error', () => resolve(false)); s.setTimeout(1000, () => s.destroy()); });
  if (up) break;
  await new Promise((r) => setTimeout(r, 200));
}
async function worker() { while (performance.now() < end) await once(); }
const t0 = performance.now();
await Promise.all(Array.from({ length: o.connections }, worker));
const elapsed = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
agent.destroy();
process.stdout.write(JSON.stringify({ count, errors, rps: count / elapsed, p50: pct(50), p99: pct(99) }));
