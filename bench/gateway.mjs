// The ingestion gateway (issue 7), end to end with real processes: `fleetpki serve` and
// `fleetpki gateway` from the CLI binary, load generators in their own processes
// (gateway-loadgen.mjs). Each rate is compared with a ceiling measured in the same run
// with the same certificates:
//   new mutual-TLS connections/s: HTTPS POST (202) on a new connection each, beside a bare
//     node:https server (OpenSSL validating the client chain) answering 200; MQTT CONNECT
//     beside a bare node:tls server answering a fixed CONNACK
//   messages/s: QoS 1 PUBLISH on established MQTT connections, beside a bare aedes broker
//     (no hooks) over the same TLS
//   bytes on the wire of one mutual-auth handshake (TLS 1.3, 1.2, resumed), counted on the
//     client's TCP socket, beside Node's defaults (stateless tickets)
//   enforcement latency: N devices connected; revoke one (or disable it by attribute) through
//     the REST API and time until its connection is closed and a reconnect is refused;
//     one gateway process beside `fleetpki serve` on SQLite (the outbox poll), one process
//     running both (`gateway --serve`: the in-process bus), and two gateway processes
//     sharing PostgreSQL (LISTEN/NOTIFY; the reconnect goes to the other node)
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect as tlsConnect, createServer as createTls } from 'node:tls';
import { Aedes } from 'aedes';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { decryptPrivateKey, softwareSigner } from '@fleetpki/keys';
import { loadConfig, openDeployment } from '@fleetpki/server';
import { freePort, portIn, startFleetpki } from '../packages/gateway/dist/test/support/processes.js';
import { dropSchema, pgProblem } from '../packages/gateway/dist/test/support/postgres.js';
import { percentile, runLoadGenerator } from './measure.mjs';

const LOADGEN = fileURLToPath(new URL('./gateway-loadgen.mjs', import.meta.url));
const RULES = [{ name: 'active', when: 'connect', expression: '!exists(status) || status == "active"' }];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A data folder whose config.json puts serve's HTTP listener on a known port (the AIA / CDP URLs). */
async function dataFolder(extra) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-gw-'));
  const port = await freePort();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ logLevel: 'warn', listen: { host: '127.0.0.1', port }, publicUrl: `http://127.0.0.1:${port}`, ...extra }));
  return { dir, api: `http://127.0.0.1:${port}/api/v1` };
}

/** `n` devices with P-256 keys, issued by the deployment's CA (in this process, on the same store). */
async function devices(dir, n, prefix) {
  const d = await openDeployment({ config: loadConfig({ data: dir }, {}), env: {}, initialize: false });
  try {
    const out = [];
    for (let i = 0; i < n; i++) {
      const id = `${prefix}-${String(i).padStart(5, '0')}`;
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const csrDer = await buildCsr({ subject: parseNameString(`CN=${id}`) }, softwareSigner(privateKey));
      const r = await d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: 'device-operational', deviceId: id }, { prevalidated: true });
      const leaf = toPem('CERTIFICATE', r.certificateDer);
      out.push({ id, serial: r.serial, key: privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: leaf + toPem('CERTIFICATE', r.chainDer[0]), leaf });
    }
    return out;
  } finally {
    await d.close();
  }
}

/** The gateway's own key and certificate (the bare servers use the same). */
function gatewayCredentials(dir, name) {
  const passphrase = readFileSync(join(dir, 'ca-passphrase'), 'utf8').trim();
  const tlsDir = join(dir, 'gateway', name, 'tls');
  const key = decryptPrivateKey(readFileSync(join(tlsDir, 'server.key.pem'), 'utf8'), passphrase).export({ type: 'pkcs8', format: 'pem' });
  return { key, cert: readFileSync(join(tlsDir, 'server.crt.pem'), 'utf8'), ca: readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8') };
}

async function listening(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}
const closing = (server) => new Promise((r) => { server.close(r); server.closeAllConnections?.(); });

/** Bare servers with Node's defaults: mutual TLS validated by OpenSSL against our root. */
function bareTlsOptions(c) {
  return { key: c.key, cert: c.cert, ca: c.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' };
}

function bareHttps(c) {
  return createHttps(bareTlsOptions(c), (req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'Content-Length': 2 }); res.end('ok'); }); });
}

function bareMqttConnack(c) {
  return createTls(bareTlsOptions(c), (s) => {
    s.once('data', () => s.write(Buffer.from([0x20, 0x02, 0x00, 0x00])));
    s.on('error', () => undefined);
    s.on('end', () => s.end());
  });
}

async function bareAedes(c) {
  const broker = await Aedes.createBroker();
  const server = createTls(bareTlsOptions(c), (s) => broker.handle(s));
  return { server, close: async () => { await closing(server); await new Promise((r) => broker.close(r)); } };
}

/**
 * Rounds of ours and the ceiling (and other references) back to back, the order rotating,
 * so each round's figures share the machine's load of that moment; each ratio is the median
 * of the rounds' ratios to the ceiling of the same round.
 */
async function rounds(n, ours, ceiling, others = {}) {
  const runs = { ours, ceiling, ...others };
  const names = Object.keys(runs);
  const got = Object.fromEntries(names.map((k) => [k, []]));
  for (let i = 0; i < n; i++) {
    const order = names.map((_, j) => names[(i + j) % names.length]);
    for (const k of order) got[k].push(await runs[k]());
  }
  const ratioOf = (k) => median(got[k].map((r, i) => r.rps / got.ceiling[i].rps));
  const ratio = ratioOf('ours');
  const mid = got.ours.map((r, i) => r.rps / got.ceiling[i].rps).indexOf(ratio);
  const refs = Object.fromEntries(Object.keys(others).map((k) => [k, { rps: median(got[k].map((r) => r.rps)), ratio: ratioOf(k) }]));
  return { ours: got.ours[mid], ceiling: got.ceiling[mid], ratio, refs, oursRounds: got.ours.map((r) => Math.round(r.rps)), ceilingRounds: got.ceiling.map((r) => Math.round(r.rps)) };
}

/** Bytes both ways on the client's TCP socket for one handshake, post-handshake tickets included. */
function handshakeBytes(port, tls) {
  return new Promise((resolve, reject) => {
    const raw = netConnect(port, '127.0.0.1');
    let session = null;
    let reused = false;
    const s = tlsConnect({ socket: raw, servername: 'localhost', ...tls });
    s.on('session', (b) => { session = b; });
    s.once('secureConnect', () => { reused = s.isSessionReused(); setTimeout(() => s.end(), 150); });
    s.on('data', () => undefined);
    s.once('error', reject);
    s.once('close', () => resolve({ bytes: raw.bytesRead + raw.bytesWritten, session, reused }));
  });
}

async function measureBytes(gatewayPort, c, dev) {
  const tls = { ca: c.ca, key: dev.key, cert: dev.cert };
  const bare = createTls({ key: c.key, cert: c.cert, ca: c.ca, requestCert: true, rejectUnauthorized: true }, (s) => { s.on('error', () => undefined); s.on('end', () => s.end()); });
  const barePort = await listening(bare);
  try {
    const t13 = await handshakeBytes(gatewayPort, { ...tls, minVersion: 'TLSv1.3' });
    const t13leaf = await handshakeBytes(gatewayPort, { ...tls, cert: dev.leaf, minVersion: 'TLSv1.3' });
    const t12 = await handshakeBytes(gatewayPort, { ...tls, maxVersion: 'TLSv1.2' });
    const t12r = await handshakeBytes(gatewayPort, { ...tls, maxVersion: 'TLSv1.2', session: t12.session });
    const n13 = await handshakeBytes(barePort, { ...tls, minVersion: 'TLSv1.3' });
    const n13r = await handshakeBytes(barePort, { ...tls, minVersion: 'TLSv1.3', session: n13.session });
    const n12 = await handshakeBytes(barePort, { ...tls, maxVersion: 'TLSv1.2' });
    if (!t12r.reused || !n13r.reused) throw new Error(`a resumption was not resumed: TLS 1.2 gateway ${t12r.reused}, TLS 1.3 node ${n13r.reused}`);
    return { t13: t13.bytes, t13leaf: t13leaf.bytes, t12: t12.bytes, t12resumed: t12r.bytes, node13: n13.bytes, node13resumed: n13r.bytes, node12: n12.bytes };
  } finally { await closing(bare); }
}

/** The hold load generator: N connections; resolves each trial when its device was closed and refused. */
function holder(items, ca) {
  const file = join(tmpdir(), `fleetpki-hold-${process.pid}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify({ mode: 'hold', items, ca, version: 5 }));
  const child = spawn(process.execPath, [LOADGEN, `@${file}`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let ready;
  const isReady = new Promise((r) => { ready = r; });
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      if (line.ready) ready(); else waiting.get(line.id)?.(line);
    }
  });
  return {
    ready: isReady,
    closedAndRefused: (id) => new Promise((resolve) => waiting.set(id, resolve)),
    stop: () => { child.stdin.write('stop\n'); rmSync(file, { force: true }); return new Promise((r) => child.once('exit', r)); },
  };
}

async function trials(h, devs, api, token, kind, log) {
  const close = []; const refused = []; let wrong = 0; let admittedAfterClose = 0;
  for (const d of devs) {
    const done = h.closedAndRefused(d.id);
    const t0 = performance.timeOrigin + performance.now();
    const r = kind === 'revoke'
      ? await fetch(`${api}/certificates/${d.serial}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"reason":"keyCompromise"}' })
      : await fetch(`${api}/devices/${d.id}/attributes`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"status":"disabled"}' });
    if (r.status !== 200) throw new Error(`${kind} ${d.id}: HTTP ${r.status}`);
    const line = await done;
    close.push(line.closedAt - t0);
    refused.push(line.refusedAt - t0);
    if (line.reconnectCode !== 0x87) wrong++;
    admittedAfterClose += line.admitted;
  }
  if (wrong) log(`enforcement ${kind}: ${wrong} reconnects were not refused with 0x87`);
  if (admittedAfterClose) log(`enforcement ${kind}: ${admittedAfterClose} reconnects (of ${devs.length} devices) got in after the close, before the node reconnected to had heard`);
  close.sort((a, b) => a - b); refused.sort((a, b) => a - b);
  return { closeP50: percentile(close, 50), closeP99: percentile(close, 99), refusedP50: percentile(refused, 50), refusedP99: percentile(refused, 99), wrong, admittedAfterClose };
}

async function enforcement(dir, api, devs, ports, nTrials, log) {
  const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
  const ca = readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8');
  // Device i on gateway i mod k; its reconnect goes to the next gateway (the same one when k = 1).
  const items = devs.map((d, i) => ({ id: d.id, key: d.key, cert: d.cert, port: ports[i % ports.length], reconnectPort: ports[(i + 1) % ports.length] }));
  log(`enforcement: connecting ${items.length} devices to ${ports.length} gateway(s) ...`);
  const h = holder(items, ca);
  await h.ready;
  try {
    log(`enforcement: ${nTrials} revocations, ${nTrials} attribute changes ...`);
    const revoke = await trials(h, devs.slice(0, nTrials), api, token, 'revoke', log);
    const attribute = await trials(h, devs.slice(nTrials, 2 * nTrials), api, token, 'attribute', log);
    return { revoke, attribute };
  } finally { await h.stop(); }
}

async function sqliteRun({ smoke, log }) {
  const { dir, api } = await dataFolder({ gateway: { rules: RULES } });
  const serve = await startFleetpki(['serve', '--data', dir, '--listen-tls', 'off'], /FleetPKI ready at/, 1);
  let gw;
  try {
    const n = smoke ? 40 : 1000;
    log(`gateway: issuing ${n} device certificates ...`);
    const devs = await devices(dir, n, 'dev');
    gw = await startFleetpki(['gateway', '--data', dir, '--https', '127.0.0.1:0', '--mqtt', '127.0.0.1:0', '--name', 'bench'], /^gateway bench: /, 2);
    const [https, mqtt] = [portIn(gw.lines, 'https'), portIn(gw.lines, 'mqtts')];
    const c = gatewayCredentials(dir, 'bench');
    const seconds = smoke ? 1 : 5;
    const items = devs.map(({ id, key, cert }) => ({ id, key, cert }));
    const load = (o) => runLoadGenerator(LOADGEN, { ca: c.ca, seconds, ...o });
    const out = {};
    log('gateway: new mutual-TLS connections, HTTPS POST, beside a bare node:https server ...');
    const bh = bareHttps(c); const bhPort = await listening(bh);
    out.https = await rounds(smoke ? 1 : 5,
      () => load({ mode: 'https-new', port: https, path: '/telemetry/{id}', okStatus: 202, items, connections: 8 }),
      () => load({ mode: 'https-new', port: bhPort, path: '/telemetry/{id}', okStatus: 200, items, connections: 8 }));
    await closing(bh);
    log('gateway: new MQTT connections beside a bare node:tls CONNACK server and a bare aedes ...');
    const bm = bareMqttConnack(c); const bmPort = await listening(bm);
    const ba0 = await bareAedes(c); const ba0Port = await listening(ba0.server);
    out.mqttConnect = await rounds(smoke ? 1 : 5,
      () => load({ mode: 'mqtt-connect', port: mqtt, items, connections: 8 }),
      () => load({ mode: 'mqtt-connect', port: bmPort, items, connections: 8 }),
      { aedes: () => load({ mode: 'mqtt-connect', port: ba0Port, items, connections: 8 }) });
    await closing(bm);
    await ba0.close();
    log('gateway: QoS 1 messages on established MQTT connections beside a bare aedes ...');
    const ba = await bareAedes(c); const baPort = await listening(ba.server);
    const pubItems = items.slice(0, smoke ? 4 : 50);
    out.messages = await rounds(smoke ? 1 : 5,
      () => load({ mode: 'mqtt-publish', port: mqtt, items: pubItems, window: 16 }),
      () => load({ mode: 'mqtt-publish', port: baPort, items: pubItems, window: 16 }));
    await ba.close();
    log('gateway: bytes on the wire ...');
    out.bytes = await measureBytes(https, c, devs[devs.length - 1]);
    out.enforcement = await enforcement(dir, api, devs, [mqtt], smoke ? 5 : 100, log);
    return out;
  } finally {
    await gw?.stop();
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One node with the CA in the same process (`fleetpki gateway --serve`): changes reach it on the in-process bus. */
async function inProcessRun({ smoke, log }) {
  const { dir, api } = await dataFolder({ listenTls: null, gateway: { rules: RULES } });
  const port = new URL(api).port;
  const gw = await startFleetpki(['gateway', '--data', dir, '--serve', `127.0.0.1:${port}`, '--mqtt', '127.0.0.1:0', '--name', 'together'], /MQTT over TLS|FleetPKI ready/, 2);
  try {
    const n = smoke ? 40 : 1000;
    log(`gateway --serve (one process): issuing ${n} device certificates ...`);
    const devs = await devices(dir, n, 'one');
    return await enforcement(dir, api, devs, [portIn(gw.lines, 'mqtts')], smoke ? 5 : 100, log);
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresRun({ smoke, log, pgUrl }) {
  const problem = await pgProblem(pgUrl);
  if (problem) return { skipped: `PostgreSQL ${pgUrl}: ${problem}` };
  const schema = `fleetpki_bench_gw_${process.pid}`;
  const { dir, api } = await dataFolder({ database: { kind: 'postgres', url: pgUrl, schema }, gateway: { rules: RULES } });
  const procs = [];
  try {
    procs.push(await startFleetpki(['serve', '--data', dir, '--listen-tls', 'off'], /FleetPKI ready at/, 1));
    const n = smoke ? 40 : 1000;
    log(`gateway (PostgreSQL): issuing ${n} device certificates ...`);
    const devs = await devices(dir, n, 'pg');
    const ports = [];
    for (const name of ['pg-a', 'pg-b']) {
      const g = await startFleetpki(['gateway', '--data', dir, '--mqtt', '127.0.0.1:0', '--name', name], /MQTT over TLS/, 1);
      procs.push(g);
      ports.push(portIn(g.lines, 'mqtts'));
    }
    return { enforcement: await enforcement(dir, api, devs, ports, smoke ? 5 : 100, log) };
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await dropSchema(pgUrl, schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureGateway(o) {
  const sqlite = await sqliteRun(o);
  const inProcess = await inProcessRun(o);
  const postgres = await postgresRun(o);
  return { ...sqlite, inProcess, postgres };
}
