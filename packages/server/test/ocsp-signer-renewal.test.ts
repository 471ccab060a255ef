/**
 * A long-running responder replaces its delegated signer as the signer nears its notAfter
 * (30 days by default), without a restart: the signer kept in memory is looked at again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority, DEV_NAMES } from '@fleetpki/ca';
import { parseOcspResponse, type BasicOcspResponse } from '@fleetpki/core';
import { openTestApp } from './helpers.js';
import { idFor, issueDevice, issuingCa, ocspRequest } from './status-support.js';

const DAY = 86400_000;

test('the delegated signer in memory is replaced once it is within 7 days of its notAfter', async () => {
  const t = await openTestApp();
  try {
    let offsetMs = 0;
    const ca = new CertificateAuthority({ ...t.deployment.ca.deps, clock: { now: () => new Date(Date.now() + offsetMs) } });
    const issuing = await issuingCa(t);
    const dev = await issueDevice(t, 'signer-1');
    const ask = async (): Promise<BasicOcspResponse> => {
      const a = await ca.ocsp.respond(ocspRequest([idFor(issuing, dev.serial)], new Uint8Array([1, 2, 3, 4, 5, 6, 7, offsetMs % 251])));
      assert.equal(a.status, 'successful');
      return parseOcspResponse(a.status === 'successful' ? a.response.der : Buffer.alloc(0)) as BasicOcspResponse;
    };
    const keyOf = (r: BasicOcspResponse): string => Buffer.from(r.responderKeyId!).toString('hex');
    const first = keyOf(await ask());
    offsetMs = 10 * DAY;
    assert.equal(keyOf(await ask()), first, 'far from its notAfter: the same signer');
    offsetMs = 24 * DAY;
    const second = await ask();
    assert.notEqual(keyOf(second), first, 'within 7 days of notAfter: a new signer');
    assert.equal(second.responses[0]!.certStatus.status, 'good');
    const signers = await t.deployment.store.listDelegatedSigners(DEV_NAMES.issuing);
    assert.equal(signers.filter((s) => s.purpose === 'ocsp').length, 2);
    offsetMs = 24 * DAY + 60_000;
    assert.equal(keyOf(await ask()), keyOf(second), 'and kept');
  } finally {
    await t.close();
  }
});
