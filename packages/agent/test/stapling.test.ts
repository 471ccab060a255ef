/**
 * The EST server staples its own OCSP answer for its TLS certificate (server tls.stapling),
 * and the agent checks it on every connection: a stapled "good" is accepted, and once the
 * server's certificate is revoked the next connection is refused as SERVER_UNTRUSTED with the
 * path code CERT_REVOKED, before anything is sent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { certificateAnchor, fromPem, fromPemAll, parseCertificate, parseOcspResponse, TrustStore, type BasicOcspResponse } from '@fleetpki/core';
import { AgentError } from '../src/errors.js';
import { connectVerified } from '../src/tls-connect.js';
import { openFixture, type Fixture } from './support.js';

describe('stapled OCSP on the EST server', () => {
  let f: Fixture;
  let trust: TrustStore;
  before(async () => {
    f = await openFixture();
    trust = TrustStore.of([certificateAnchor(parseCertificate(fromPem(f.rootPem, ['CERTIFICATE'])))]);
  });
  after(() => f.close());

  const connect = () => {
    const u = new URL(f.tlsUrl);
    return connectVerified({ host: u.hostname, port: Number(u.port), trust, now: f.clock.now(), identity: null, timeoutMs: 5000 });
  };

  it('accepts a stapled good, then refuses the server once its certificate is revoked (CERT_REVOKED)', async () => {
    const c = await connect();
    c.socket.destroy();
    assert.ok(c.stapledOcsp, 'the server staples');
    const staple = parseOcspResponse(c.stapledOcsp) as BasicOcspResponse;
    const serverCert = parseCertificate(fromPemAll(readFileSync(join(f.dir, 'data', 'tls', 'server.crt.pem'), 'utf8'), ['CERTIFICATE'])[0]!.der);
    assert.deepEqual([staple.responses[0]!.certId.serial, staple.responses[0]!.certStatus.status], [serverCert.serial, 'good']);
    const r = await f.api('POST', `/certificates/${serverCert.serial}/revoke`, { reason: 'keyCompromise' });
    assert.equal(r.status, 200);
    let refused: AgentError | null = null;
    for (let i = 0; i < 100 && !refused; i++) {
      try { (await connect()).socket.destroy(); await new Promise((res) => setTimeout(res, 20)); } catch (e) { refused = e as AgentError; }
    }
    assert.ok(refused, 'the revoked server is refused within 2 s');
    assert.equal(refused.code, 'SERVER_UNTRUSTED');
    assert.equal(refused.detail['pathCode'], 'CERT_REVOKED');
  });
});
