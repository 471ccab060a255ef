/**
 * The OCSP and CRL parse vectors (pyca/cryptography, rustls-webpki) against the oracle, via
 * the conformance adapter conformance/suites/ocsp-crl.mjs, so `npm test` sees a parser change
 * that breaks agreement. The cases that differ must be exactly those of
 * conformance/divergences/ocsp-crl.json (each with its reason there). The data is read from
 * FLEETPKI_CONFORMANCE or ../shared/conformance; it is never copied here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Case { readonly id: string; readonly expected: string; readonly input: unknown }
interface Adapter { load(dir: string): Case[]; run(input: unknown): Promise<{ actual: string; reason?: string }> }

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const DATA = resolve(process.env.FLEETPKI_CONFORMANCE ?? join(REPO_ROOT, '..', 'shared', 'conformance'));

test('OCSP/CRL parse vectors agree with the oracle except the listed divergences', async (t) => {
  if (!existsSync(join(DATA, 'ocsp-crl', 'expected-oracle.json'))) {
    if (process.env.CI === 'true') assert.fail(`OCSP/CRL vectors missing at ${DATA} (set FLEETPKI_CONFORMANCE)`);
    t.skip(`OCSP/CRL vectors missing at ${DATA}`);
    return;
  }
  const adapter = await import(pathToFileURL(join(REPO_ROOT, 'conformance', 'suites', 'ocsp-crl.mjs')).href) as Adapter;
  const listed = JSON.parse(readFileSync(join(REPO_ROOT, 'conformance', 'divergences', 'ocsp-crl.json'), 'utf8')) as { id: string; expected: string; actual: string }[];
  const cases = adapter.load(DATA);
  assert.equal(cases.length, 85);
  const differing: string[] = [];
  for (const c of cases) {
    const r = await adapter.run(c.input);
    if (r.actual !== c.expected) differing.push(`${c.id} ${c.expected}->${r.actual}`);
  }
  assert.deepEqual(differing.sort(), listed.map((e) => `${e.id} ${e.expected}->${e.actual}`).sort());
});
