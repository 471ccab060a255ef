#!/usr/bin/env node
// The gateway benchmark's load generator, in its own process (never sharing the event loop
// of the server it measures). Modes:
//   https-new     `connections` workers, each POST on a NEW mutual-TLS connection (no reuse,
//                 no resumption); counts answers with status `okStatus`
//   mqtt-connect  the same with MQTT: TLS handshake, CONNECT, CONNACK 0, DISCONNECT
//   mqtt-publish  one established MQTT 3.1.1 connection per item, QoS 1 PUBLISHes with
//                 `window` in flight each, for `seconds`
//   hold          keeps one MQTT connection per item open; prints a JSON line when one is
//                 closed by the server, after reconnecting until the CONNACK refuses (and how
//                 many reconnects still got in first); stops on stdin "stop"
// Items: [{ id, key, cert }] (PEM). Prints one JSON object (hold: JSON lines).
//   node gateway-loadgen.mjs @options.json
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { MqttClient } from '../packages/gateway/dist/test/support/mqtt-client.js';

const o = JSON.parse(readFileSync(process.argv[2].slice(1), 'utf8'));
const now = () => performance.timeOrigin + performance.now();
const lat = [];
let count = 0;
let errors = 0;
let next = 0;
const codes = {};
const end = performance.now() + (o.seconds ?? 0) * 1000;
const item = () => o.items[next++ % o.items.length];
const tlsOf = (it) => ({ ca: o.ca, key: it.key, cert: it.cert, servername: 'localhost', ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}) });

function postOnce(it) {
  return new Promise((resolve) => {
    const body = Buffer.from('{"t":21.5}');
    const t = performance.now();
    const req = https.request({
      host: '127.0.0.1', port: o.port, path: o.path.replace('{id}', it.id), method: 'POST', agent: false, ...tlsOf(it),
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, Connection: 'close' },
    }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        codes[res.statusCode] = (codes[res.statusCode] ?? 0) + 1;
        if (res.statusCode === o.okStatus) { count++; lat.push(performance.now() - t); } else errors++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.setTimeout(10_000, () => req.destroy());
    req.end(body);
  });
}

async function connectOnce(it) {
  const t = performance.now();
  try {
    const { client, connack } = await MqttClient.connect({ port: o.port, clientId: it.id, version: 4, tls: tlsOf(it) });
    codes[connack.code] = (codes[connack.code] ?? 0) + 1;
    if (connack.code === 0) { count++; lat.push(performance.now() - t); } else errors++;
    client.end();
  } catch { errors++; }
}

async function loop(once) {
  const worker = async () => { while (performance.now() < end) await once(item()); };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: o.connections }, worker));
  return (performance.now() - t0) / 1000;
}

async function publishLoad() {
  const clients = [];
  for (const it of o.items) {
    const { client, connack } = await MqttClient.connect({ port: o.port, clientId: it.id, version: 4, tls: tlsOf(it) });
    if (connack.code !== 0) throw new Error(`CONNACK ${connack.code} for ${it.id}`);
    clients.push([client, it]);
  }
  const stop = performance.now() + o.seconds * 1000;
  const t0 = performance.now();
  await Promise.all(clients.flatMap(([client, it]) => Array.from({ length: o.window }, async () => {
    while (performance.now() < stop) {
      const t = performance.now();
      const rc = await client.publish(`devices/${it.id}/m`, '{"t":21.5}', 1).catch(() => -1);
      if (rc === 0) { count++; if (count % 16 === 0) lat.push(performance.now() - t); } else errors++;
    }
  })));
  const elapsed = (performance.now() - t0) / 1000;
  for (const [c] of clients) c.end();
  return elapsed;
}

/** Hold mode: a close by the server is reported with its time, then one reconnect is tried and reported. */
async function hold() {
  const out = (x) => process.stdout.write(`${JSON.stringify(x)}\n`);
  const open = async (it) => {
    const { client, connack } = await MqttClient.connect({ port: it.port ?? o.port, clientId: it.id, version: o.version ?? 5, tls: tlsOf(it), timeoutMs: 60_000 });
    if (connack.code !== 0) throw new Error(`CONNACK ${connack.code} for ${it.id}`);
    client.closed.then(async () => {
      const closedAt = now();
      const again = it.reconnectPort ?? it.port ?? o.port;
      // Reconnect until refused (another node may not have heard yet): how long, and how often it still got in.
      let code = -1;
      let admitted = 0;
      for (let i = 0; i < 200; i++) {
        try {
          const r = await MqttClient.connect({ port: again, clientId: it.id, version: o.version ?? 5, tls: tlsOf(it) });
          code = r.connack.code;
          r.client.socket.destroy();
        } catch { code = -1; }
        if (code !== 0) break;
        admitted++;
        await new Promise((res) => setTimeout(res, 5));
      }
      out({ id: it.id, closedAt, reason: client.disconnect?.reasonString ?? null, refusedAt: now(), reconnectCode: code, admitted });
    });
  };
  const batch = 32;
  for (let i = 0; i < o.items.length; i += batch) await Promise.all(o.items.slice(i, i + batch).map(open));
  out({ ready: o.items.length });
  await new Promise((resolve) => process.stdin.on('data', (d) => { if (String(d).includes('stop')) resolve(); }));
  process.exit(0);
}

if (o.mode === 'hold') await hold();
const elapsed = o.mode === 'https-new' ? await loop(postOnce) : o.mode === 'mqtt-connect' ? await loop(connectOnce) : await publishLoad();
lat.sort((a, b) => a - b);
const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
process.stdout.write(JSON.stringify({ count, errors, codes, rps: count / elapsed, p50: pct(50), p99: pct(99) }));
