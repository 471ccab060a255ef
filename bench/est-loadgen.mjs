#!/usr/bin/env node
// The EST load generator, in its own process: `connections` workers, each sending one
// request at a time, every request on a NEW mutual-TLS connection (agent: false, so no
// keep-alive and no session resumption), for `seconds`. Item i (client key, certificate
// chain, base64 body) is used once, in turn. Prints {count, errors, rps, p50, p99} (ms).
//   node est-loadgen.mjs @options.json   {url, path, ca, items: [{key, cert, body}], connections, seconds}
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const o = JSON.parse(readFileSync(process.argv[2].slice(1), 'utf8'));
const { hostname, port } = new URL(o.url);
const lat = [];
let count = 0;
let errors = 0;
let next = 0;
const statuses = {};
const end = performance.now() + o.seconds * 1000;

function once(item) {
  return new Promise((resolve) => {
    const body = Buffer.from(item.body, 'latin1');
    const t = performance.now();
    const req = https.request({
      hostname, port, path: o.path, method: 'POST', agent: false, servername: 'localhost', ca: o.ca, key: item.key, cert: item.cert,
      headers: { 'Content-Type': 'application/pkcs10', 'Content-Length': body.length, Connection: 'close' },
    }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 200) { count++; lat.push(performance.now() - t); } else errors++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.setTimeout(10_000, () => req.destroy());
    req.end(body);
  });
}

async function worker() {
  while (performance.now() < end && next < o.items.length) await once(o.items[next++]);
}
const t0 = performance.now();
await Promise.all(Array.from({ length: o.connections }, worker));
const elapsed = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
process.stdout.write(JSON.stringify({ count, errors, statuses, exhausted: next >= o.items.length, rps: count / elapsed, p50: pct(50), p99: pct(99) }));
