#!/usr/bin/env node
// `npm run bench [-- --json] [-- --smoke] [-- --rows N] [-- --only issuance,search,ocsp,crl,path,est,agent,rules,gateway,batch]`
// [-- --batch-count N] [-- --kill-count N]
// Every figure is printed beside the ceiling measured in the same run, as a ratio:
// machines here are shared and noisy, ratios travel better than absolute numbers.
import { measureCeilings } from './ceilings.mjs';
import { measureIssuance } from './issuance.mjs';
import { measurePostgresSearch, measureSqliteSearch } from './search.mjs';
import { measureOcsp } from './ocsp.mjs';
import { measurePath } from './path.mjs';
import { measureCrl } from './crl.mjs';
import { measureEst } from './est.mjs';
import { measureAgents } from './agent.mjs';
import { csrFile, measureBatchSign, measureCeiling, measureKillResume } from './batch.mjs';
import { measureRules } from './rules.mjs';
import { measureGateway } from './gateway.mjs';

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const value = (f, d) => { const i = args.indexOf(f); return i >= 0 && args[i + 1] ? args[i + 1] : d; };
const smoke = flag('--smoke');
const only = value('--only', 'issuance,search,ocsp,crl,path,est,agent,rules,gateway,batch').split(',');
const rows = Number(value('--rows', smoke ? '3000' : '1000000'));
const pgUrl = process.env.FLEETPKI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const records = [];
const rec = (name, v, unit, ceiling) => records.push({ name, value: round(v), unit, ...(ceiling ? { ceiling: round(ceiling), ratio: Math.round((v / ceiling) * 1000) / 1000 } : {}) });
const round = (v) => (v >= 100 ? Math.round(v) : Math.round(v * 100) / 100);
const log = (s) => process.stderr.write(`${s}\n`);

if (only.includes('issuance')) {
  log('measuring raw node:crypto P-256 sign and verify ...');
  const c = measureCeilings(smoke ? 200 : 2000);
  rec('node:crypto P-256 sign (1 core)', c.signRate, 'ops/s');
  rec('node:crypto P-256 verify, parsed key (1 core)', c.verifyRate, 'ops/s');
  rec('  for reference: verify with a fresh key import per call', c.importVerifyRate, 'ops/s', c.verifyRate);
  rec('ceiling: verify CSR + sign = 1/(1/sign + 1/verify)', c.verifyPlusSign, 'ops/s');
  log('issuing device certificates through the real cycle (SQLite) ...');
  const iss = await measureIssuance({ count: smoke ? 300 : 20000, window: 128 });
  rec('issuance, full cycle with CSR verify (SQLite, audit)', iss.full, 'certs/s', c.verifyPlusSign);
  rec('issuance, pre-validated CSRs (no PoP verify)', iss.prevalidated, 'certs/s', c.signRate);
}
if (only.includes('search')) {
  const perQuery = smoke ? 10 : 200;
  log(`seeding ${rows} certificates in SQLite and querying ...`);
  const s = await measureSqliteSearch({ rows, perQuery });
  rec(`search p50, SQLite, ${rows} certs`, s.p50, 'ms');
  rec(`search p99, SQLite, ${rows} certs`, s.p99, 'ms');
  for (const [q, v] of Object.entries(s.byQuery)) rec(`  SQLite ${q} p99`, v.p99, 'ms');
  log(`seeding ${rows} certificates in PostgreSQL and querying ...`);
  const p = await measurePostgresSearch({ rows, perQuery, url: pgUrl });
  if (p.skipped) {
    log(p.skipped);
    if (process.env.CI === 'true') process.exit(1);
  } else {
    rec(`search p50, PostgreSQL, ${rows} certs`, p.p50, 'ms');
    rec(`search p99, PostgreSQL, ${rows} certs`, p.p99, 'ms');
    for (const [q, v] of Object.entries(p.byQuery)) rec(`  PostgreSQL ${q} p99`, v.p99, 'ms');
  }
}
if (only.includes('ocsp')) {
  const n = Number(value('--rows', smoke ? '2000' : '1000000'));
  log(`OCSP over HTTP for a store of ${n} certificates ...`);
  const o = await measureOcsp({ rows: n, seconds: smoke ? 1 : 5, sampleSize: smoke ? 500 : 5000, rounds: smoke ? 1 : 3, log, peer: true });
  rec('ceiling: bare node:http, precomputed answers from a Map', o.ceiling.rps, 'resp/s');
  rec(`OCSP cached (GET), ${n} certs, keep-alive`, o.cached.rps, 'resp/s', o.ceiling.rps);
  rec('  OCSP cached p99 latency', o.cached.p99, 'ms', o.ceiling.p99);
  if (o.cfssl.skipped) log(o.cfssl.skipped);
  else {
    rec('peer: cfssl ocspserve, same pre-signed answers (POST), one core', o.cfssl.rps, 'resp/s');
    rec('  cfssl ocspserve p99 latency', o.cfssl.p99, 'ms');
    rec('OCSP cached (POST), against cfssl ocspserve', o.cachedPost.rps, 'resp/s', o.cfssl.rps);
    rec('  OCSP cached POST p99 latency', o.cachedPost.p99, 'ms', o.cfssl.p99);
  }
  if (o.openssl.skipped) log(o.openssl.skipped);
  else {
    rec(`peer: openssl ocsp -index (${n} lines), signs each`, o.openssl.rps, 'resp/s');
    rec('  openssl ocsp p99 latency', o.openssl.p99, 'ms');
  }
  log(`live signing rounds (resp/s): ours ${o.rounds.live.map(Math.round).join(', ')}; openssl ${o.rounds.openssl.map(Math.round).join(', ') || '-'}`);
  rec('OCSP live signing (nonce, cache miss), median of rounds', o.live.rps, 'resp/s', o.openssl.skipped ? undefined : o.openssl.rps);
  rec('  OCSP live signing p99 latency', o.live.p99, 'ms');
  for (const [k, v] of Object.entries({ cached: o.cached, live: o.live, ceiling: o.ceiling, openssl: o.openssl, cfssl: o.cfssl, cachedPost: o.cachedPost })) if (v.errors) log(`${k}: ${v.errors} non-200 answers`);
}
if (only.includes('path')) {
  log('path validation: 3-certificate P-256 chain from DER with a CRL check ...');
  const v = await measurePath({ ms: smoke ? 300 : 3000 });
  rec('ceiling: node:crypto verify of the chain\'s two signatures', v.twoSignatures, 'chains/s');
  rec(`path validation, cold (DER parsed, 3 signatures, CRL of ${v.revoked})`, v.validations, 'chains/s', v.twoSignatures);
  rec('  path validation, cold, without the CRL check', v.withoutCrl, 'chains/s', v.twoSignatures);
  rec('  path validation, warm (same CA and CRL objects, new leaf)', v.warm, 'chains/s', v.twoSignatures);
}
if (only.includes('crl')) {
  const n = Number(value('--revoked', smoke ? '2000' : '1000000'));
  log(`CRL of ${n} revoked certificates ...`);
  const c = await measureCrl({ revoked: n, deltaRevocations: smoke ? 100 : 1000, revokeTries: smoke ? 20 : 200, log });
  rec(`full CRL, ${n} revoked (publish: list + encode + sign + save)`, c.fullMs, 'ms', 3000);
  rec('  full CRL size', c.fullBytes / 1e6, 'MB');
  rec('  heap peak while building the full CRL', c.heapPeakMb, 'MB');
  log(`heap before ${c.heapBeforeMb.toFixed(1)} MB, peak ${c.heapPeakMb.toFixed(1)} MB, after ${c.heapAfterMb.toFixed(1)} MB`);
  rec(`delta CRL after ${smoke ? 100 : 1000} revocations`, c.deltaMs, 'ms', 100);
  rec('  delta CRL size', c.deltaBytes / 1e3, 'kB');
  rec('revoke -> OCSP says revoked, p50', c.revokeP50, 'ms', 100);
  rec('revoke -> OCSP says revoked, p99', c.revokeP99, 'ms', 100);
}
if (only.includes('est')) {
  const e = await measureEst({ seconds: smoke ? 1 : 5, pool: smoke ? 150 : 4000, connections: smoke ? 4 : 16, log });
  if (e.est.exhausted || e.ceiling.exhausted) log('EST: the device pool ran out before the time was up (a larger pool measures longer)');
  rec('ceiling: bare node:https mutual-TLS handshake + 200, new connection each', e.ceiling.rps, 'conn/s');
  rec('EST simpleenroll, mutual TLS (IDevID), new connection each', e.est.rps, 'certs/s', e.ceiling.rps);
  rec('  EST simpleenroll p99 latency', e.est.p99, 'ms');
  rec('  bare mutual-TLS p99 latency', e.ceiling.p99, 'ms');
  if (e.est.errors > 0) log(`EST: ${e.est.errors} requests failed: ${JSON.stringify(e.est.statuses)}`);
}
if (only.includes('agent')) {
  const n = smoke ? 20 : 1000;
  const a = await measureAgents({ agents: n, concurrency: smoke ? 4 : 16, log });
  if (a.failed > 0) log(`agent: ${a.failed} renewals failed`);
  rec(`agent renewals, ${n} agents against one server (same process)`, a.rps, 'renew/s');
  rec('  agent renewal p99 latency (agent-observed)', a.p99, 'ms');
  rec('  CPU per renewal, agent + server', a.cpuMsPerRenewal, 'ms');
}
if (only.includes('rules')) {
  log('gateway rules: a 3-rule send set and MQTT publish checks ...');
  const r = measureRules({ ms: smoke ? 200 : 2000 });
  rec('ceiling: the 3 send rules hand-written in JavaScript', r.handRate, 'evals/s');
  rec('rule set evaluation, 3 send rules (firstFailingRule)', r.evaluations, 'evals/s', r.handRate);
  rec('ceiling: a hand-written topic prefix check', r.handTopic, 'checks/s');
  rec('mayPublish, 2 granted filters', r.topicChecks, 'checks/s', r.handTopic);
  rec('  grantsFor, 2 patterns (once per connection)', r.grantRate, 'conns/s');
}
if (only.includes('gateway')) {
  const g = await measureGateway({ smoke, log, pgUrl });
  const ratio = (r) => `rounds: ours ${r.oursRounds.join(', ')}; ceiling ${r.ceilingRounds.join(', ')}; median ratio of the pairs ${r.ratio.toFixed(3)}`;
  rec('ceiling: bare node:https mutual TLS (OpenSSL validates) + 200, new connection each', g.https.ceiling.rps, 'conn/s');
  rec('gateway HTTPS: new mutual-TLS connection + POST (admission, 202), median pair', g.https.ours.rps, 'conn/s', g.https.ceiling.rps);
  log(`gateway HTTPS ${ratio(g.https)}`);
  rec('ceiling: bare node:tls mutual TLS + fixed CONNACK, new connection each', g.mqttConnect.ceiling.rps, 'conn/s');
  rec('gateway MQTT: new mutual-TLS connection + CONNECT/CONNACK, median pair', g.mqttConnect.ours.rps, 'conn/s', g.mqttConnect.ceiling.rps);
  rec('  bare aedes over TLS (no hooks): CONNECT/CONNACK, median of rounds', g.mqttConnect.refs.aedes.rps, 'conn/s', g.mqttConnect.ceiling.rps);
  log(`gateway MQTT connect ${ratio(g.mqttConnect)}; bare aedes ratio ${g.mqttConnect.refs.aedes.ratio.toFixed(3)}`);
  rec('ceiling: bare aedes over TLS, QoS 1 PUBLISH on established connections', g.messages.ceiling.rps, 'msg/s');
  rec('gateway MQTT: QoS 1 PUBLISH on established connections (authorization, rules)', g.messages.ours.rps, 'msg/s', g.messages.ceiling.rps);
  log(`gateway messages ${ratio(g.messages)}`);
  const b = g.bytes;
  rec('bytes: TLS 1.3 mutual handshake, P-256 chains, Node defaults (stateless tickets)', b.node13, 'B');
  rec('bytes: TLS 1.3 mutual handshake, gateway (no ticket with the client certificate)', b.t13, 'B', b.node13);
  rec('  bytes: the same, the device sending its leaf alone', b.t13leaf, 'B', b.node13);
  rec('bytes: TLS 1.3 resumed with a Node default ticket (the gateway offers none)', b.node13resumed, 'B');
  rec('bytes: TLS 1.2 mutual handshake, Node defaults (a ticket)', b.node12, 'B');
  rec('bytes: TLS 1.2 mutual handshake, gateway (session id, no ticket)', b.t12, 'B', b.node12);
  rec('bytes: TLS 1.2 resumed by session id from the gateway\'s cache', b.t12resumed, 'B', b.t12);
  const enf = (label, e) => {
    for (const [kind, r] of Object.entries(e)) {
      rec(`enforcement ${label}, ${kind}: closed p50`, r.closeP50, 'ms', 1000);
      rec(`enforcement ${label}, ${kind}: closed p99`, r.closeP99, 'ms', 1000);
      rec(`enforcement ${label}, ${kind}: reconnect refused p50`, r.refusedP50, 'ms', 1000);
      rec(`enforcement ${label}, ${kind}: reconnect refused p99`, r.refusedP99, 'ms', 1000);
      rec(`  enforcement ${label}, ${kind}: reconnects admitted after the close`, r.admittedAfterClose, 'conn');
    }
  };
  enf('1 gateway SQLite', g.enforcement);
  enf('gateway --serve, one process', g.inProcess);
  if (g.postgres.skipped) {
    log(g.postgres.skipped);
    if (process.env.CI === 'true') process.exit(1);
  } else enf('2 gateways PostgreSQL', g.postgres.enforcement);
}

if (only.includes('batch')) {
  const count = Number(value('--batch-count', smoke ? '400' : '1000000'));
  const killCount = Number(value('--kill-count', smoke ? '400' : '100000'));
  const file = await csrFile(count, 'sign', log);
  log('ceiling: P-256 verify + sign on two cores ...');
  const c = await measureCeiling(file, smoke ? 300 : 3000);
  rec('node:crypto P-256 sign, two cores', c.signRate, 'ops/s');
  rec('P-256 verify with a fresh key import per CSR, two cores', c.importVerifyRate, 'ops/s');
  rec('P-256 verify with a parsed key, two cores', c.parsedVerifyRate, 'ops/s');
  rec('ceiling: verify (fresh key import) + sign, two cores', c.ceilingImport, 'certs/s');
  rec('ceiling: verify (parsed key) + sign, two cores', c.ceilingParsed, 'certs/s');
  const b = await measureBatchSign({ count, log });
  rec(`batch sign, ${count} P-256 CSRs (PoP, SQLite, audit, manifest), fleetpki process`, b.rate, 'certs/s', c.ceilingImport);
  rec('  the same, against the parsed-key ceiling', b.rate, 'certs/s', c.ceilingParsed);
  rec('  total time', b.seconds, 's');
  rec('  peak RSS of the fleetpki process', b.peakRssMb, 'MB', 500);
  const k = await measureKillResume({ count: killCount, expectedRate: b.rate, log });
  log(`kill/resume: killed after ${k.killAfterMs} ms (${k.issuedBeforeKill} issued by then); ${JSON.stringify(k.state)}; audit ${k.auditVerified ? 'verified' : 'BROKEN'}`);
  rec(`batch of ${killCount}, SIGKILL at a random point then resumed: distinct certificates`, k.state.distinctSerials, 'certs', killCount);
  if (!k.exact) { log('kill/resume did NOT end with exactly one certificate per device'); process.exitCode = 1; }
}

const w = Math.max(...records.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(w)}  ${'value'.padStart(10)} unit      ${'ceiling'.padStart(10)}  ratio`);
for (const r of records) {
  console.log(`${r.name.padEnd(w)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(8)}  ${String(r.ceiling ?? '').padStart(10)}  ${r.ratio ?? ''}`);
}
if (flag('--json')) console.log(JSON.stringify(records));
