/**
 * checkRevocation from CRLs built with core's buildCrl (RFC 5280 6.3.3): a device issued by
 * the test CA, whose cRLDistributionPoints names URLS.crl[0]; every assertion is the exact result.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCrl, checkRevocation, type CrlEntry, type CrlFields, type RevocationInputs, type RevocationResult } from '../src/index.js';
import { NOW, URLS } from './helpers.js';
import { issueDevice, type Issued, type TestCa } from './status-fixtures.js';
import { testCa } from './helpers.js';

const HOUR = 3600_000;
const at = (hours: number): Date => new Date(NOW.getTime() + hours * HOUR);
const CRL_URL = URLS.crl[0]!;

interface World { readonly ca: TestCa; readonly device: Issued }

let cached: Promise<World> | null = null;
const world = (): Promise<World> => (cached ??= (async () => {
  const ca = await testCa();
  return { ca, device: await issueDevice(ca, 'dev-1') };
})());

const entry = (serial: string, reason: CrlEntry['reason'] = 'keyCompromise'): CrlEntry =>
  ({ serial, revocationDate: at(-2), reason, invalidityDate: null });

function crl(w: World, entries: readonly CrlEntry[], extra: Partial<CrlFields> = {}): Promise<Buffer> {
  return buildCrl({ issuer: { subjectDer: w.ca.cert.subjectDer, keyId: w.ca.context.keyId! }, thisUpdate: at(-1), nextUpdate: at(24), crlNumber: 7n, entries, ...extra }, w.ca.signer);
}

function check(w: World, inputs: RevocationInputs, now = NOW): RevocationResult {
  return checkRevocation({ path: [w.device.cert, w.ca.cert], pool: [w.ca.cert], inputs, now, validateSigner: () => false });
}

const REVOKED = { ok: false, code: 'CERT_REVOKED', index: 0 } as const;
const UNKNOWN = { ok: false, code: 'REVOCATION_UNKNOWN', index: 0 } as const;
const outcome = (r: RevocationResult) => (r.ok ? { ok: true } : { ok: r.ok, code: r.code, index: r.index });

describe('checkRevocation with CRLs', () => {
  it('without a CRL: REVOCATION_UNKNOWN when required, ok when only what is available is checked', async () => {
    const w = await world();
    assert.deepEqual(outcome(check(w, { mode: 'require' })), UNKNOWN);
    assert.deepEqual(outcome(check(w, {})), { ok: true });
  });

  it('a current CRL that does not list the device is a known good status; one that lists it revokes', async () => {
    const w = await world();
    assert.deepEqual(outcome(check(w, { crls: [await crl(w, [entry('7777')])], mode: 'require' })), { ok: true });
    const r = check(w, { crls: [await crl(w, [entry('7777'), entry(w.device.cert.serial)])], mode: 'require' });
    assert.deepEqual(r, { ok: false, code: 'CERT_REVOKED', message: `certificate 0 (serial ${w.device.cert.serial}) is revoked`, index: 0 });
  });

  it('certificateHold counts as revoked; a delta CRL with removeFromCRL lifts it (5.3.1, 6.3.3 (h))', async () => {
    const w = await world();
    const base = await crl(w, [entry(w.device.cert.serial, 'certificateHold')]);
    assert.deepEqual(outcome(check(w, { crls: [base], mode: 'require' })), REVOKED);
    const lift = await crl(w, [entry(w.device.cert.serial, 'removeFromCRL')], { crlNumber: 8n, baseCrlNumber: 7n, thisUpdate: at(-0.5) });
    assert.deepEqual(outcome(check(w, { crls: [lift, base], mode: 'require' })), { ok: true });
  });

  it('a delta CRL adds revocations to its base, and is ignored when its base is newer than the complete CRL (5.2.4)', async () => {
    const w = await world();
    const base = await crl(w, []);
    const delta = await crl(w, [entry(w.device.cert.serial)], { crlNumber: 8n, baseCrlNumber: 7n });
    assert.deepEqual(outcome(check(w, { crls: [base, delta], mode: 'require' })), REVOKED);
    const later = await crl(w, [entry(w.device.cert.serial)], { crlNumber: 10n, baseCrlNumber: 9n });
    assert.deepEqual(outcome(check(w, { crls: [base, later], mode: 'require' })), { ok: true });
    // A delta alone is never a complete CRL (PKITS 4.15.1).
    assert.deepEqual(outcome(check(w, { crls: [delta], mode: 'require' })), UNKNOWN);
  });

  it('a CRL past its nextUpdate, or not yet issued, cannot be used (PKITS 4.4.11)', async () => {
    const w = await world();
    const der = await crl(w, [entry(w.device.cert.serial)]);
    assert.deepEqual(outcome(check(w, { crls: [der], mode: 'require' }, at(25))), UNKNOWN);
    assert.deepEqual(outcome(check(w, { crls: [der], mode: 'require' }, at(-2))), UNKNOWN);
    assert.deepEqual(outcome(check(w, { crls: [der], mode: 'require' }, at(24))), REVOKED);
  });

  it('a CRL with a bad signature, from another issuer, or that does not parse covers nothing', async () => {
    const w = await world();
    const der = await crl(w, [entry(w.device.cert.serial)]);
    const tampered = Buffer.from(der);
    tampered[tampered.length - 5]! ^= 0x01;
    const other = await testCa();
    const foreign = await buildCrl({ issuer: { subjectDer: Buffer.from(other.cert.subjectDer), keyId: other.context.keyId! }, thisUpdate: at(-1), nextUpdate: at(24), crlNumber: 1n, entries: [entry(w.device.cert.serial)] }, other.signer);
    for (const bad of [tampered, foreign, der.subarray(0, 40)]) {
      assert.deepEqual(outcome(check(w, { crls: [bad], mode: 'require' })), UNKNOWN);
      assert.deepEqual(outcome(check(w, { crls: [bad] })), { ok: true });
    }
  });

  it('an issuing distribution point must name the certificate\'s distribution point (6.3.3 (b)(2)(i))', async () => {
    const w = await world();
    const elsewhere = await crl(w, [], { issuingDistributionPoint: { uri: 'http://pki.example/crl/shard-2.crl' } });
    assert.deepEqual(outcome(check(w, { crls: [elsewhere], mode: 'require' })), UNKNOWN);
    const here = await crl(w, [entry(w.device.cert.serial)], { issuingDistributionPoint: { uri: CRL_URL, onlyContainsUserCerts: true } });
    assert.deepEqual(outcome(check(w, { crls: [here], mode: 'require' })), REVOKED);
  });

  it('scope leaf checks only the leaf; the anchor itself is never checked', async () => {
    const w = await world();
    const r = checkRevocation({ path: [w.device.cert, w.ca.cert], pool: [], inputs: { crls: [await crl(w, [entry(w.ca.cert.serial)])], mode: 'require', scope: 'leaf' }, now: NOW, validateSigner: () => false });
    assert.deepEqual(r, { ok: true });
    assert.deepEqual(checkRevocation({ path: [w.ca.cert], pool: [], inputs: { mode: 'require' }, now: NOW, validateSigner: () => false }), { ok: true });
  });
});
