/**
 * Every way an issuance request is refused: the exact status and code, no certificate
 * left behind, and the refusal in the audit log with the same code. One fixture per
 * defect, named after it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromPem, toPem } from '@fleetpki/core';
import type { Problem } from '../src/errors.js';
import { auditEvents, certificateCount, json, openTestApp, opensslCsr, quickCsr, type TestApp } from './helpers.js';

interface Case {
  readonly name: string;
  readonly payload: (t: TestApp) => Promise<Record<string, unknown>>;
  readonly status: number;
  readonly code: string;
}

const P256 = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
const idevid = (csr: string) => ({ csr, profile: 'device-idevid' });
const goodDer = (t: TestApp) => fromPem(opensslCsr(t.dir, { subject: '/serialNumber=SN-9/CN=x' }), ['CERTIFICATE REQUEST']);

/** Changes one byte of the signed CertificationRequestInfo (the subject), so the signature no longer covers it. */
function tamperSubject(pem: string): string {
  const der = Buffer.from(fromPem(pem, ['CERTIFICATE REQUEST']));
  const at = der.indexOf(Buffer.from('tamper-me'));
  assert.ok(at > 0);
  der[at] = 'T'.charCodeAt(0);
  return toPem('CERTIFICATE REQUEST', der);
}

const CASES: readonly Case[] = [
  { name: 'text that is neither PEM nor base64', payload: async () => idevid('this is not a CSR!'), status: 400, code: 'BAD_PEM' },
  { name: 'PEM armour with a bad base64 body', payload: async () => idevid('-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----\n'), status: 400, code: 'BAD_PEM' },
  { name: 'a PEM block with the wrong label', payload: async (t) => idevid(toPem('CERTIFICATE', goodDer(t))), status: 400, code: 'BAD_PEM' },
  { name: 'base64 of bytes that are not DER', payload: async () => idevid(Buffer.from('garbage garbage garbage').toString('base64')), status: 400, code: 'BAD_DER' },
  { name: 'truncated DER', payload: async (t) => idevid(goodDer(t).subarray(0, 60).toString('base64')), status: 400, code: 'BAD_DER' },
  { name: 'truncated DER in PEM armour', payload: async (t) => idevid(toPem('CERTIFICATE REQUEST', goodDer(t).subarray(0, 100))), status: 400, code: 'BAD_DER' },
  { name: 'a tampered CSR', payload: async (t) => idevid(tamperSubject(opensslCsr(t.dir, { subject: '/serialNumber=SN-1/CN=tamper-me' }))), status: 422, code: 'CSR_SIGNATURE_INVALID' },
  { name: 'an RSA-1024 key', payload: async (t) => idevid(opensslCsr(t.dir, { newkey: ['rsa:1024'], subject: '/serialNumber=SN-2' })), status: 422, code: 'WEAK_KEY' },
  { name: 'a SHA-1 signature', payload: async (t) => idevid(opensslCsr(t.dir, { newkey: ['rsa:2048'], digest: 'sha1', subject: '/serialNumber=SN-3' })), status: 422, code: 'WEAK_ALGORITHM' },
  { name: 'a secp521r1 key', payload: async (t) => idevid(opensslCsr(t.dir, { newkey: ['ec', '-pkeyopt', 'ec_paramgen_curve:secp521r1'], subject: '/serialNumber=SN-4' })), status: 422, code: 'UNSUPPORTED_KEY' },
  { name: 'a secp256k1 key', payload: async (t) => idevid(opensslCsr(t.dir, { newkey: ['ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1'], subject: '/serialNumber=SN-5' })), status: 422, code: 'UNSUPPORTED_KEY' },
  { name: 'a DNS name on an IDevID', payload: async (t) => idevid(opensslCsr(t.dir, { newkey: P256, subject: '/serialNumber=SN-6', addext: ['subjectAltName=DNS:cam.example.com'] })), status: 422, code: 'PROFILE_VIOLATION' },
  { name: 'an operational certificate without a device id', payload: async () => ({ csr: await quickCsr('CN=anonymous'), profile: 'device-operational' }), status: 422, code: 'PROFILE_VIOLATION' },
  { name: 'an unknown profile', payload: async () => ({ csr: await quickCsr('CN=x'), profile: 'no-such-profile' }), status: 404, code: 'PROFILE_NOT_FOUND' },
  { name: 'a validity over the profile maximum', payload: async () => ({ csr: await quickCsr('CN=x'), profile: 'device-operational', deviceId: 'x', validitySeconds: 400 * 86400 }), status: 422, code: 'VALIDITY_NOT_ALLOWED' },
  { name: 'a malformed device id', payload: async () => ({ csr: await quickCsr('CN=x'), profile: 'device-operational', deviceId: '-bad id-' }), status: 400, code: 'DEVICE_ID_INVALID' },
  { name: 'a CSR over the 64 KiB CSR limit', payload: async () => idevid(Buffer.alloc(70 * 1024, 0x30).toString('base64')), status: 413, code: 'INPUT_TOO_LARGE' },
  { name: 'a body over the configured body limit', payload: async () => idevid('A'.repeat(300 * 1024)), status: 413, code: 'INPUT_TOO_LARGE' },
  { name: 'a body missing the csr field', payload: async () => ({ profile: 'device-idevid' }), status: 400, code: 'REQUEST_INVALID' },
  { name: 'a body with an unknown field', payload: async () => ({ ...idevid(await quickCsr('serialNumber=1')), colour: 'red' }), status: 400, code: 'REQUEST_INVALID' },
];

describe('issuance refusals', () => {
  let t: TestApp;
  before(async () => { t = await openTestApp(); });
  after(async () => { await t.close(); });

  for (const c of CASES) {
    it(`${c.name}: ${c.status} ${c.code}, audited, nothing stored`, async () => {
      const payload = await c.payload(t);
      const certificatesBefore = await certificateCount(t);
      const auditBefore = (await auditEvents(t)).length;
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload });
      assert.equal(r.statusCode, c.status, r.body);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      const problem = json<Problem>(r);
      assert.equal(problem.code, c.code);
      assert.equal(problem.status, c.status);
      assert.equal(problem.type, `https://fleetpki.dev/errors/${c.code}`);
      assert.equal(problem.instance, r.headers['x-request-id']);
      assert.equal(await certificateCount(t), certificatesBefore);
      const added = (await auditEvents(t)).slice(auditBefore);
      assert.deepEqual(added.map((e) => [e.action, e.outcome, e.code]), [['certificate.issue', 'refused', c.code]]);
      assert.match(added[0]!.actor, /^token:[0-9a-f]{16}$/);
    });
  }
});
