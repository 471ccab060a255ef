#!/usr/bin/env node
// `npm run bench [-- --json] [-- --smoke] [-- --rows N] [-- --only issuance,search]`
// Every figure is printed beside the ceiling measured in the same run, as a ratio:
// machines here are shared and noisy, ratios travel better than absolute numbers.
import { measureCeilings } from './ceilings.mjs';
import { measureIssuance } from './issuance.mjs';
import { measurePostgresSearch, measureSqliteSearch } from './search.mjs';

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const value = (f, d) => { const i = args.indexOf(f); return i >= 0 && args[i + 1] ? args[i + 1] : d; };
const smoke = flag('--smoke');
const only = value('--only', 'issuance,search').split(',');
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

const w = Math.max(...records.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(w)}  ${'value'.padStart(10)} unit      ${'ceiling'.padStart(10)}  ratio`);
for (const r of records) {
  console.log(`${r.name.padEnd(w)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(8)}  ${String(r.ceiling ?? '').padStart(10)}  ${r.ratio ?? ''}`);
}
if (flag('--json')) console.log(JSON.stringify(records));
