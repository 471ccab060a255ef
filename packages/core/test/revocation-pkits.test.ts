/**
 * NIST PKITS 4.4 (basic CRL revocation), 4.14 (distribution points, IDP, indirect CRLs) and
 * 4.15 (delta CRLs) run straight through checkRevocation with mode 'require', every
 * certificate of the path checked. The data is read from FLEETPKI_CONFORMANCE or
 * ../shared/conformance; it is never copied here.
 *
 * The path: certs_ta_to_ee lists, for 13 runs (4.4.19-21, 4.14.24-33), a CRL-signing or
 * indirect-CRL certificate among the intermediates that is not on the certification path
 * (it has the issuer's name but another key, or issues only CRLs). So the leaf-first path is
 * certs_ta_to_ee reversed and then chained by name and signature from the end entity to the
 * anchor; every listed certificate stays in the pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRevocation, parseCertificate, type Certificate, type RevocationResult } from '../src/index.js';
import { verifySignature } from '../src/crypto/verify.js';
import { publicKeyObject } from '../src/crypto/public-key.js';

interface PkitsRun {
  readonly id: string;
  readonly test_number: string;
  readonly certs_ta_to_ee: readonly string[];
  readonly crls: readonly string[];
  readonly validation_time: string;
  readonly expected_result: 'SUCCESS' | 'FAILURE';
}

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const DATA = resolve(process.env.FLEETPKI_CONFORMANCE ?? join(REPO_ROOT, '..', 'shared', 'conformance'), 'pkits');

/**
 * The code each FAILURE run must give: CERT_REVOKED where PKITS lists the certificate on a
 * usable CRL, REVOCATION_UNKNOWN where no usable CRL covers it (missing, bad signature,
 * wrong issuer or scope, stale, unknown critical extension, reasons not all covered).
 * Every run of the three sections depends on revocation, so none is excluded.
 */
const FAILURE_CODES: Readonly<Record<string, string>> = {
  'pkits::4.4.1': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.2': 'CERT_REVOKED@1', 'pkits::4.4.3': 'CERT_REVOKED@0',
  'pkits::4.4.4': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.5': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.6': 'REVOCATION_UNKNOWN@0',
  'pkits::4.4.8': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.9': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.10': 'REVOCATION_UNKNOWN@0',
  'pkits::4.4.11': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.12': 'REVOCATION_UNKNOWN@0', 'pkits::4.4.15': 'CERT_REVOKED@0',
  'pkits::4.4.18': 'CERT_REVOKED@0', 'pkits::4.4.20': 'CERT_REVOKED@0', 'pkits::4.4.21': 'REVOCATION_UNKNOWN@0',
  'pkits::4.14.2': 'CERT_REVOKED@0', 'pkits::4.14.3': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.6': 'CERT_REVOKED@0',
  'pkits::4.14.8': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.9': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.11': 'REVOCATION_UNKNOWN@0',
  'pkits::4.14.12': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.14': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.15': 'CERT_REVOKED@0',
  'pkits::4.14.16': 'CERT_REVOKED@0', 'pkits::4.14.17': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.20': 'CERT_REVOKED@0',
  'pkits::4.14.21': 'CERT_REVOKED@0', 'pkits::4.14.23': 'CERT_REVOKED@0', 'pkits::4.14.26': 'REVOCATION_UNKNOWN@0',
  'pkits::4.14.27': 'REVOCATION_UNKNOWN@0', 'pkits::4.14.31': 'CERT_REVOKED@0', 'pkits::4.14.32': 'CERT_REVOKED@0',
  'pkits::4.14.34': 'CERT_REVOKED@0', 'pkits::4.14.35': 'REVOCATION_UNKNOWN@0', 'pkits::4.15.1': 'REVOCATION_UNKNOWN@0',
  'pkits::4.15.3': 'CERT_REVOKED@0', 'pkits::4.15.4': 'CERT_REVOKED@0', 'pkits::4.15.6': 'CERT_REVOKED@0',
  'pkits::4.15.9': 'CERT_REVOKED@0', 'pkits::4.15.10': 'REVOCATION_UNKNOWN@0',
};

const signs = (issuer: Certificate, c: Certificate): boolean =>
  verifySignature(c.signatureAlgorithm.algorithm, publicKeyObject(issuer.publicKey), c.tbs, c.signature, c.signatureAlgorithm.pss);

/** Leaf first: each next certificate has the current one's issuer name and key. */
function chain(leaf: Certificate, anchor: Certificate, pool: readonly Certificate[]): Certificate[] | null {
  const out = [leaf];
  for (let cur = leaf; cur !== anchor; out.push(cur)) {
    const next = pool.find((c) => c !== cur && Buffer.from(c.subjectDer).equals(cur.issuerDer) && signs(c, cur));
    if (!next || out.length > 8) return null;
    cur = next;
  }
  return out;
}

/**
 * TEST DOUBLE of the path driver's recursion (RFC 5280 6.3.3 (f)): a CRL signer is valid when
 * it chains by signature to the run's anchor, every certificate of that chain is within its
 * validity at `now`, and that chain passes checkRevocation itself; depth-bounded.
 */
function revocationOf(run: PkitsRun, path: readonly Certificate[], pool: readonly Certificate[], crls: readonly Uint8Array[], depth = 0): RevocationResult {
  const now = new Date(run.validation_time);
  const anchor = path.at(-1)!;
  const validateSigner = (signer: Certificate): boolean => {
    const p = depth < 3 ? chain(signer, anchor, pool) : null;
    return p !== null && p.every((c) => c.notBefore <= now && now <= c.notAfter) && revocationOf(run, p, pool, crls, depth + 1).ok;
  };
  return checkRevocation({ path, pool, inputs: { crls, mode: 'require' }, now, validateSigner });
}

function loadRuns(): PkitsRun[] | null {
  const file = join(DATA, 'pkits-testcases.json');
  if (!existsSync(file)) return null;
  const { testcases } = JSON.parse(readFileSync(file, 'utf8')) as { testcases: PkitsRun[] };
  return testcases.filter((r) => /^4\.(4|14|15)\./.test(r.test_number));
}

test('PKITS 4.4, 4.14 and 4.15 through checkRevocation (mode require, whole path)', (t) => {
  const runs = loadRuns();
  if (!runs) {
    if (process.env.CI === 'true') assert.fail(`PKITS data missing at ${DATA} (set FLEETPKI_CONFORMANCE)`);
    t.skip(`PKITS data missing at ${DATA}`);
    return;
  }
  assert.equal(runs.length, 66);
  const outcomes: string[] = [];
  const expected: string[] = [];
  for (const run of runs) {
    const pool = run.certs_ta_to_ee.map((n) => parseCertificate(readFileSync(join(DATA, 'certs', `${n}.crt`))));
    const crls = run.crls.map((n) => readFileSync(join(DATA, 'crls', `${n}.crl`)));
    const path = chain(pool.at(-1)!, pool[0]!, pool);
    assert.ok(path, `${run.id}: no chain from the end entity to the anchor`);
    const r = revocationOf(run, path, pool, crls);
    outcomes.push(`${run.id} ${r.ok ? 'SUCCESS' : `${r.code}@${r.index}`}`);
    expected.push(`${run.id} ${run.expected_result === 'SUCCESS' ? 'SUCCESS' : FAILURE_CODES[run.id] ?? 'FAILURE (code not listed)'}`);
  }
  assert.deepEqual(outcomes, expected);
});
