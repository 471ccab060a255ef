/**
 * Enrollment group policies through the use case on the real SQLite store: re-enrollment
 * (RFC 7030 4.2.2), proof-of-possession linking, manual approval, the rate limit, the
 * pre-issuance webhook (a real HTTP server on loopback), csrattrs and cacerts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SYSTEM_ACTOR, type EnrollResult } from '@fleetpki/ca';
import { parseCertificate } from '@fleetpki/core';
import { codeOf, csrFor, errorOf, lastAudit, openEnrollment, operationalCount, request, type EnrollmentFixture } from './enrollment-support.js';

type Issued = Extract<EnrollResult, { status: 'issued' }>;
const issued = (r: EnrollResult): Issued => { assert.equal(r.status, 'issued'); return r as Issued; };

async function firstCertificate(f: EnrollmentFixture, label: string, deviceId: string): Promise<Issued> {
  const { secret } = await f.ca.createEnrollmentSecret(SYSTEM_ACTOR, label, deviceId);
  return issued(await f.ca.enrollment.enroll(request(label, await csrFor(`CN=${deviceId},O=Acme`, [{ type: 'dns', value: `${deviceId}.example.com` }]), { kind: 'secret', deviceId, secret })));
}

test('simplereenroll: same subject and SAN issue; a changed identity, a secret, another group and a revoked certificate are refused', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group();
    const other = await f.group();
    const first = await firstCertificate(f, label, 'sensor-0000aaaa');
    const auth = { kind: 'certificate' as const, chain: [first.certificateDer] };
    const same = await csrFor('CN=sensor-0000aaaa,O=Acme', [{ type: 'dns', value: 'sensor-0000aaaa.example.com' }]);
    const second = issued(await f.ca.enrollment.enroll(request(label, same, auth, { operation: 'simplereenroll' })));
    assert.equal(parseCertificate(second.certificateDer).subjectAltNames.length, 2);
    assert.deepEqual((await f.d.store.getDevice('sensor-0000aaaa'))?.links.map((l) => l.role), ['operational', 'operational']);
    const before = await operationalCount(f);
    const changed = await errorOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000aaaa,O=Evil', [{ type: 'dns', value: 'sensor-0000aaaa.example.com' }]), auth, { operation: 'simplereenroll' })));
    assert.equal(changed.code, 'REENROLL_IDENTITY_CHANGED');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000aaaa,O=Acme', [{ type: 'dns', value: 'other.example.com' }]), auth, { operation: 'simplereenroll' }))), 'REENROLL_IDENTITY_CHANGED');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, same, { kind: 'secret', deviceId: 'sensor-0000aaaa', secret: 'x' }, { operation: 'simplereenroll' }))), 'ENROLLMENT_UNAUTHENTICATED');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(other, same, auth, { operation: 'simplereenroll' }))), 'OPERATIONAL_CERTIFICATE_UNKNOWN');
    await f.ca.revokeCertificate(SYSTEM_ACTOR, first.serial, { reason: 'superseded' });
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, same, auth, { operation: 'simplereenroll' }))), 'OPERATIONAL_CERTIFICATE_REVOKED');
    assert.equal(await operationalCount(f), before);
    assert.deepEqual([(await lastAudit(f)).code, (await lastAudit(f)).detail?.['operation']], ['OPERATIONAL_CERTIFICATE_REVOKED', 'simplereenroll']);
  } finally { await f.close(); }
});

test('simplereenroll after expiry: refused, unless the group lets the bootstrap certificate stand in', async () => {
  const f = await openEnrollment();
  try {
    const strict = await f.group();
    const lenient = await f.group({ reenrollWithBootstrap: true });
    for (const [label, deviceId] of [[strict, 'sensor-00000b01'], [lenient, 'sensor-00000b02']] as const) {
      const chain = await f.bootstrap(deviceId);
      const op = issued(await f.ca.enrollment.enroll(request(label, await csrFor(`CN=${deviceId}`), { kind: 'certificate', chain })));
      f.clock.offsetMs = 100 * 86400_000; // past the operational certificate's 90 days
      const csr = await csrFor(`CN=${deviceId}`);
      assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, csr, { kind: 'certificate', chain: [op.certificateDer] }, { operation: 'simplereenroll' }))), 'OPERATIONAL_CERTIFICATE_EXPIRED');
      const viaBootstrap = f.ca.enrollment.enroll(request(label, csr, { kind: 'certificate', chain }, { operation: 'simplereenroll' }));
      if (label === strict) assert.equal(await codeOf(viaBootstrap), 'OPERATIONAL_CERTIFICATE_UNKNOWN');
      else assert.equal(issued(await viaBootstrap).deviceId, deviceId);
      f.clock.offsetMs = 0;
    }
  } finally { await f.close(); }
});

test('proof-of-possession linking: challengePassword must be base64 of the channel binding', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group({ popLinking: true });
    const binding = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const b64 = Buffer.from(binding).toString('base64');
    const chain = await f.bootstrap('sensor-0000c001');
    const auth = { kind: 'certificate' as const, chain };
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000c001'), auth, { channelBinding: binding }))), 'CHANNEL_BINDING_MISMATCH');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000c001', [], 'AAAA'), auth, { channelBinding: binding }))), 'CHANNEL_BINDING_MISMATCH');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000c001', [], b64), auth))), 'CHANNEL_BINDING_MISMATCH');
    assert.equal(await operationalCount(f), 0);
    issued(await f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000c001', [], b64), auth, { channelBinding: binding })));
  } finally { await f.close(); }
});

test('manual approval: pending until approved, same CSR issues; a changed CSR restarts; a rejection refuses', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group({ approval: 'manual', retryAfterSeconds: 30 });
    const chain = await f.bootstrap('sensor-0000d001');
    const auth = { kind: 'certificate' as const, chain };
    const csr = await csrFor('CN=sensor-0000d001');
    const p1 = await f.ca.enrollment.enroll(request(label, csr, auth));
    assert.equal(p1.status, 'pending');
    if (p1.status !== 'pending') return;
    assert.equal(p1.retryAfterSeconds, 30);
    assert.deepEqual(await f.ca.enrollment.enroll(request(label, csr, auth)), p1);
    const changed = await f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000d001'), auth));
    assert.equal(changed.status, 'pending');
    if (changed.status !== 'pending') return;
    assert.notEqual(changed.requestId, p1.requestId);
    assert.equal(await codeOf(f.ca.approveEnrollment(SYSTEM_ACTOR, label, p1.requestId)), 'ENROLLMENT_PENDING_NOT_FOUND');
    assert.equal(await operationalCount(f), 0);
    const csr2 = await csrFor('CN=sensor-0000d001');
    const p2 = await f.ca.enrollment.enroll(request(label, csr2, auth));
    if (p2.status !== 'pending') throw new Error('expected pending');
    assert.equal((await f.ca.approveEnrollment(SYSTEM_ACTOR, label, p2.requestId)).status, 'approved');
    assert.equal(await codeOf(f.ca.approveEnrollment(SYSTEM_ACTOR, label, p2.requestId)), 'ENROLLMENT_PENDING_DECIDED');
    issued(await f.ca.enrollment.enroll(request(label, csr2, auth)));
    assert.deepEqual(await f.ca.listPendingEnrollments(SYSTEM_ACTOR, label), []);

    const { secret } = await f.ca.createEnrollmentSecret(SYSTEM_ACTOR, label, 'sensor-0000d002');
    const sAuth = { kind: 'secret' as const, deviceId: 'sensor-0000d002', secret };
    const csr3 = await csrFor('CN=sensor-0000d002');
    const p3 = await f.ca.enrollment.enroll(request(label, csr3, sAuth));
    if (p3.status !== 'pending') throw new Error('expected pending');
    await f.ca.rejectEnrollment(SYSTEM_ACTOR, label, p3.requestId);
    const rejected = await errorOf(f.ca.enrollment.enroll(request(label, csr3, sAuth)));
    assert.deepEqual([rejected.code, rejected.detail?.['by']], ['ENROLLMENT_REJECTED', 'system']);
    assert.equal(await operationalCount(f), 1);
  } finally { await f.close(); }
});

test('rate limit: a token bucket per group; over it ENROLLMENT_RATE_LIMITED with retryAfterSeconds', async () => {
  const f = await openEnrollment();
  try {
    const label = await f.group({ rateLimit: { requests: 2, perSeconds: 60 } });
    const csr = await csrFor('CN=sensor-0000e001');
    const none = { kind: 'none' as const };
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, csr, none))), 'ENROLLMENT_UNAUTHENTICATED');
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, csr, none))), 'ENROLLMENT_UNAUTHENTICATED');
    const limited = await errorOf(f.ca.enrollment.enroll(request(label, csr, none)));
    assert.deepEqual([limited.code, limited.kind, limited.detail?.['retryAfterSeconds']], ['ENROLLMENT_RATE_LIMITED', 'rate_limited', 30]);
    f.clock.offsetMs = 30_000;
    assert.equal(await codeOf(f.ca.enrollment.enroll(request(label, csr, none))), 'ENROLLMENT_UNAUTHENTICATED');
    assert.equal((await lastAudit(f)).code, 'ENROLLMENT_UNAUTHENTICATED');
  } finally { await f.close(); }
});

async function webhookServer(handler: (body: Record<string, unknown>, res: ServerResponse) => void): Promise<{ url: string; bodies: Record<string, unknown>[]; close(): Promise<void> }> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => { const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>; bodies.push(b); handler(b, res); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

test('webhook on loopback: 2xx enriches, 403 and a timeout refuse (audited), nothing issued on refusal', async () => {
  const f = await openEnrollment();
  const hook = await webhookServer((body, res) => {
    if (body['deviceId'] === 'sensor-0000f002') { res.writeHead(403).end(); return; }
    if (body['deviceId'] === 'sensor-0000f003') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attributes: { site: 'plant-7' } }));
  });
  try {
    const label = await f.group({ webhook: { url: hook.url, timeoutMs: 300 } });
    const ok = await f.bootstrap('sensor-0000f001');
    const r = issued(await f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000f001'), { kind: 'certificate', chain: ok })));
    assert.equal((await f.d.store.getCertificate(r.serial))?.attributes['site'], 'plant-7');
    assert.deepEqual(hook.bodies[0], {
      group: label, deviceId: 'sensor-0000f001', operation: 'simpleenroll', subject: 'CN=sensor-0000f001', sans: [], auth: 'bootstrap',
      bootstrapSerial: parseCertificate(ok[0]!).serial, source: '192.0.2.7',
    });
    const before = await operationalCount(f);
    const refused = await errorOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000f002'), { kind: 'certificate', chain: await f.bootstrap('sensor-0000f002') })));
    assert.deepEqual([refused.code, refused.detail?.['by'], refused.detail?.['status']], ['ENROLLMENT_REJECTED', 'webhook', 403]);
    assert.deepEqual([(await lastAudit(f)).code, (await lastAudit(f)).detail?.['status']], ['ENROLLMENT_REJECTED', 403]);
    const slow = f.bootstrap('sensor-0000f003');
    const started = Date.now();
    const timeout = await errorOf(f.ca.enrollment.enroll(request(label, await csrFor('CN=sensor-0000f003'), { kind: 'certificate', chain: await slow })));
    assert.deepEqual([timeout.code, timeout.detail?.['reason']], ['ENROLLMENT_REJECTED', 'timeout']);
    assert.ok(Date.now() - started < 5000);
    assert.equal(await operationalCount(f), before);
  } finally { await hook.close(); await f.close(); }
});

test('csrAttributes (RFC 7030 4.5.2) and caCertificates', async () => {
  const f = await openEnrollment();
  try {
    const plain = await f.group();
    const linked = await f.group({ popLinking: true });
    const curve = '3015' + '06072a8648ce3d0201' + '310a' + '06082a8648ce3d030107'; // id-ecPublicKey { prime256v1 }
    assert.equal(Buffer.from((await f.ca.enrollment.csrAttributes(plain))!).toString('hex'), `3017${curve}`);
    assert.equal(Buffer.from((await f.ca.enrollment.csrAttributes(linked))!).toString('hex'), `3022${'06092a864886f70d010907'}${curve}`);
    const asn1 = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: Buffer.from((await f.ca.enrollment.csrAttributes(linked))!), encoding: 'utf8' });
    assert.match(asn1, /challengePassword[\s\S]*id-ecPublicKey[\s\S]*prime256v1/);
    assert.equal(await codeOf(f.ca.enrollment.csrAttributes('nope')), 'ENROLLMENT_GROUP_NOT_FOUND');
    assert.equal(await f.ca.enrollment.csrAttributes(null), null);
    const issuing = (await f.d.store.getCa('dev-issuing'))!;
    assert.deepEqual(await f.ca.enrollment.caCertificates(plain), [issuing.certificateDer, ...issuing.chainDer]);
    assert.deepEqual(await f.ca.enrollment.caCertificates(null), [issuing.certificateDer, ...issuing.chainDer]);
    assert.equal(issuing.chainDer.length, 1);
  } finally { await f.close(); }
});
