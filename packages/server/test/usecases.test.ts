/**
 * The ca use cases over the real adapters (SQLite store, encrypted-PKCS#8 vault), without
 * HTTP: hierarchy ceremonies, manufacturer quotas and constraints, concurrency, tokens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCertificate, newSerial, ServiceError, signSubordinateCa, SYSTEM_ACTOR, type Actor } from '@fleetpki/ca';
import { buildCsr, parseCertificate, parseCsr, parseNameString, type GeneralName, verifyAuditChain } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner } from '@fleetpki/keys';
import { openDeployment, parseConfig, type Deployment } from '../src/index.js';

async function open(): Promise<{ d: Deployment; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-usecases-'));
  const d = await openDeployment({ config: parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent' }), env: {}, initialize: true });
  return { d, done: async () => { await d.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const csr = (subject = 'CN=device', sans: GeneralName[] = []) =>
  buildCsr({ subject: parseNameString(subject), subjectAltNames: sans }, softwareSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as ServiceError).code; }
  return 'NO_ERROR';
}

async function auditCodes(d: Deployment): Promise<string[]> {
  return (await d.store.readAudit(0, 10000)).filter((e) => e.outcome !== 'success').map((e) => e.code ?? '');
}

test('300 concurrent issuances: unique serials, all stored, audit chain intact', async () => {
  const { d, done } = await open();
  try {
    const csrs = await Promise.all(Array.from({ length: 20 }, () => csr()));
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: csrs[i % 20]!, profile: 'device-operational', deviceId: `dev-${i}` })));
    assert.equal(new Set(results.map((r) => r.serial)).size, 300);
    let n = 0;
    for (let cursor: string | undefined; ;) {
      const page = await d.ca.searchCertificates(SYSTEM_ACTOR, { profile: 'device-operational', status: 'issued', limit: 100, ...(cursor ? { cursor } : {}) });
      n += page.items.length;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.equal(n, 300);
    const audit = await d.store.readAudit(0, 100000);
    assert.deepEqual(verifyAuditChain(audit, await d.store.auditHead()).ok, true);
    assert.equal(audit.filter((e) => e.action === 'certificate.issue' && e.outcome === 'success').length, 301); // + the OCSP signer
  } finally { await done(); }
});

test('manufacturer CA: quota, name constraints, device profiles only', async () => {
  const { d, done } = await open();
  try {
    const mfr = await d.ca.createManufacturerCa(SYSTEM_ACTOR, {
      name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Manufacturing CA,O=Contoso', manufacturer: 'Contoso',
      namespace: 'cm1.devices.example.com', quota: 2, keyType: 'ecdsa-p256',
    });
    assert.equal(mfr.status, 'active');
    const cert = parseCertificate(mfr.certificateDer!);
    assert.deepEqual(cert.basicConstraints, { cA: true, pathLenConstraint: 0 });
    assert.deepEqual(cert.nameConstraints?.permitted, [{ type: 'uri', value: 'cm1.devices.example.com' }, { type: 'dns', value: 'cm1.devices.example.com' }]);
    const issued = await d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr('serialNumber=SN-1,CN=camera'), profile: 'device-idevid', caName: 'cm1' });
    assert.deepEqual(parseCertificate(issued.certificateDer).subjectAltNames, [{ type: 'uri', value: 'device://cm1.devices.example.com/SN-1' }]);
    assert.equal(issued.chainDer.length, 3); // cm1, dev-issuing, dev-root
    assert.equal(await codeOf(d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr('CN=x', [{ type: 'dns', value: 'x.evil.example.com' }]), profile: 'device-operational', caName: 'cm1', deviceId: 'x' })), 'NAME_CONSTRAINTS_VIOLATED');
    assert.equal(await codeOf(d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr('CN=gw', [{ type: 'dns', value: 'gw.cm1.devices.example.com' }]), profile: 'gateway-server', caName: 'cm1' })), 'PROFILE_NOT_ALLOWED');
    await d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr(), profile: 'device-operational', caName: 'cm1', deviceId: 'SN-2' });
    assert.equal(await codeOf(d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr(), profile: 'device-operational', caName: 'cm1', deviceId: 'SN-3' })), 'QUOTA_EXCEEDED');
    assert.equal((await d.store.getCa('cm1'))!.issuedCount, 2);
    assert.equal((await d.ca.searchCertificates(SYSTEM_ACTOR, { caName: 'cm1', limit: 10 })).items.length, 2);
    assert.deepEqual((await auditCodes(d)).slice(-3), ['NAME_CONSTRAINTS_VIOLATED', 'PROFILE_NOT_ALLOWED', 'QUOTA_EXCEEDED']);
    assert.equal(await codeOf(d.ca.createManufacturerCa(SYSTEM_ACTOR, { name: 'cm1', parent: 'dev-issuing', subject: 'CN=x', manufacturer: 'x', namespace: 'x.example.com', quota: null, keyType: 'ecdsa-p256' })), 'CA_EXISTS');
    assert.equal(await codeOf(d.ca.createManufacturerCa(SYSTEM_ACTOR, { name: 'cm2', parent: 'dev-root', subject: 'CN=x', manufacturer: 'x', namespace: 'x.example.com', quota: null, keyType: 'ecdsa-p256' })), 'KEY_UNAVAILABLE');
  } finally { await done(); }
});

test('issuing CA ceremony: request, offline signature, import; bad imports refused', async () => {
  const { d, done } = await open();
  try {
    const profiles = d.config.compiledProfiles;
    const rootSigner = softwareSigner(generatePrivateKey('ecdsa-p384'));
    const now = new Date();
    const rootDer = await createRootCertificate({ profile: profiles.get('root')!, subject: parseNameString('CN=Prod Root,O=Acme'), signer: rootSigner, now, serial: newSerial({ bytes: (n) => Buffer.alloc(n, 7) }) });
    const { csrDer } = await d.ca.createIssuingCaRequest(SYSTEM_ACTOR, { name: 'issuing-1', subject: 'CN=Acme Issuing CA 1,O=Acme', keyType: 'ecdsa-p256' });
    assert.equal(await codeOf(d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr(), profile: 'device-operational', caName: 'issuing-1', deviceId: 'a' })), 'CA_NOT_ACTIVE');
    const req = parseCsr(csrDer);
    const sign = (publicKey = req.publicKey) => signSubordinateCa({ profile: profiles.get('issuing-ca')!, issuerCertificateDer: rootDer, issuerSigner: rootSigner, publicKey, subject: req.subject, now, serial: newSerial({ bytes: (n) => Buffer.alloc(n, 9) }) });
    const otherKey = parseCsr(await csr()).publicKey;
    assert.equal(await codeOf(d.ca.importCaCertificate(SYSTEM_ACTOR, { name: 'issuing-1', certificateDer: await sign(otherKey), chainDer: [rootDer] })), 'CA_CERTIFICATE_MISMATCH');
    assert.equal(await codeOf(d.ca.importCaCertificate(SYSTEM_ACTOR, { name: 'issuing-1', certificateDer: await sign(), chainDer: [] })), 'CHAIN_INVALID');
    const devRoot = (await d.store.getCa('dev-root'))!.certificateDer!;
    assert.equal(await codeOf(d.ca.importCaCertificate(SYSTEM_ACTOR, { name: 'issuing-1', certificateDer: await sign(), chainDer: [devRoot] })), 'CHAIN_INVALID');
    const record = await d.ca.importCaCertificate(SYSTEM_ACTOR, { name: 'issuing-1', certificateDer: await sign(), chainDer: [rootDer] });
    assert.equal(record.status, 'active');
    assert.match(record.parent ?? '', /^root-[0-9a-f]{12}$/);
    assert.equal((await d.store.getCa(record.parent!))!.key, null);
    assert.equal(await codeOf(d.ca.importCaCertificate(SYSTEM_ACTOR, { name: 'issuing-1', certificateDer: await sign(), chainDer: [rootDer] })), 'CA_NOT_ACTIVE');
    const issued = await d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr(), profile: 'device-operational', caName: 'issuing-1', deviceId: 'dev-1' });
    assert.deepEqual(issued.chainDer.map((c) => Buffer.from(c)), [Buffer.from(record.certificateDer!), Buffer.from(rootDer)]);
  } finally { await done(); }
});

test('roles: an auditor may read but not issue; refusals are audited', async () => {
  const { d, done } = await open();
  try {
    const auditor: Actor = { id: 'token:aud', role: 'auditor' };
    assert.equal(await codeOf(d.ca.issueCertificate(auditor, { csrDer: await csr(), profile: 'device-operational', deviceId: 'x' })), 'FORBIDDEN');
    assert.equal(await codeOf(d.ca.createApiToken({ id: 'token:op', role: 'operator' }, { name: 'x', role: 'admin' })), 'FORBIDDEN');
    assert.equal((await d.ca.listCas(auditor)).length, 2);
    assert.equal(await codeOf(d.ca.listApiTokens({ id: 'token:op', role: 'operator' })), 'FORBIDDEN');
    assert.deepEqual(await auditCodes(d), ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    // A root never issues online: refused by role before its (absent) key is looked for.
    assert.equal(await codeOf(d.ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csr(), profile: 'device-operational', caName: 'dev-root', deviceId: 'x' })), 'PROFILE_NOT_ALLOWED');
    const { token, record } = await d.ca.createApiToken(SYSTEM_ACTOR, { name: 'line 1', role: 'operator' });
    assert.deepEqual(await d.ca.authenticate(token), { id: `token:${record.id}`, role: 'operator' });
    await d.ca.revokeApiToken(SYSTEM_ACTOR, record.id);
    assert.equal(await codeOf(d.ca.authenticate(token)), 'UNAUTHENTICATED');
    assert.equal(await codeOf(d.ca.authenticate(`${token.slice(0, -1)}A`)), 'UNAUTHENTICATED');
    assert.equal(await codeOf(d.ca.authenticate(undefined)), 'UNAUTHENTICATED');
  } finally { await done(); }
});

test('a second open reuses the hierarchy; an interrupted first start is reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-reopen-'));
  try {
    const config = parseConfig({ dataDir: dir, logLevel: 'silent' });
    const first = await openDeployment({ config, env: {}, initialize: true });
    assert.ok(first.firstStart);
    const rootBefore = (await first.store.getCa('dev-root'))!.certificateDer;
    await first.store.setSetting('hierarchy', '');
    await first.close();
    await assert.rejects(openDeployment({ config, env: {}, initialize: true }), (e: ServiceError) => e.code === 'CA_EXISTS');
    const again = await openDeployment({ config, env: {}, initialize: false });
    await again.store.setSetting('hierarchy', 'development');
    await again.close();
    const second = await openDeployment({ config, env: {}, initialize: true });
    assert.equal(second.firstStart, null);
    assert.deepEqual((await second.store.getCa('dev-root'))!.certificateDer, rootBefore);
    await second.close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
