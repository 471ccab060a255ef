/**
 * Trust bundles (decision 005): creation, each refusal with its exact code, and the root
 * rollover the format exists for.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  anchorLabel, certificateAnchor, createTrustBundle, isTrustError, pinOf, TRUST_BUNDLE_MAX_BYTES, TrustStore, verifyPath, verifyTrustBundle,
  type TrustAnchor, type TrustBundleFields, type TrustBundleResult,
} from '../src/index.js';
import { encodeTrustBundleContent } from '../src/trust/bundle-content.js';
import { NOW } from './helpers.js';
import { hoursFromNow, makeLeaf, makeRoot, type TestRoot } from './trust-fixtures.js';

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const certLabel = (r: TestRoot): string => `certificate sha256:${sha256Hex(r.cert.der)}`;
const labels = (anchors: readonly TrustAnchor[]): string[] => anchors.map(anchorLabel);

function fields(over: Partial<TrustBundleFields>): TrustBundleFields {
  return { bundleSequence: 1, issuedAt: hoursFromNow(-2), notBefore: hoursFromNow(-1), add: [], retire: [], ...over };
}

const sign = (r: TestRoot, f: Partial<TrustBundleFields>): Promise<Buffer> => createTrustBundle(fields(f), r.cert, r.signer);

function assertRefused(r: TrustBundleResult, code: string): void {
  assert.equal(r.ok, false, 'expected a refusal');
  assert.equal(!r.ok && r.code, code, !r.ok ? r.message : '');
}

describe('trust bundle content', () => {
  it('encodes as the fixed DER of decision 005 (GeneralizedTime, [0]/[1] pins)', () => {
    const pin = { kind: 'certificate-sha256', sha256: new Uint8Array(32).fill(0xaa) } as const;
    const spki = { kind: 'spki-sha256', sha256: new Uint8Array(32).fill(0xbb) } as const;
    const der = encodeTrustBundleContent({
      bundleSequence: 300, issuedAt: new Date('2030-06-15T10:00:00Z'), notBefore: new Date('2030-06-15T11:00:00Z'), add: [pin], retire: [spki],
    });
    assert.equal(der.toString('hex'), '3071' + '020101' + '0202012c' + '180f32303330303631353130303030305a' + '180f32303330303631353131303030305a' +
      '3022' + '8020' + 'aa'.repeat(32) + '3022' + '8120' + 'bb'.repeat(32));
  });
});

describe('trust bundles', () => {
  it('round trip: a bundle signed by an anchor verifies and yields the new store with its sequence', async () => {
    const [a, b] = [await makeRoot('Root A'), await makeRoot('Root B', { keyType: 'p384' })];
    const pinX = pinOf((await makeRoot('Root X')).cert, 'spki-sha256');
    const der = await sign(a, { bundleSequence: 3, add: [certificateAnchor(b.cert), pinX] });
    const r = verifyTrustBundle(TrustStore.of([certificateAnchor(a.cert)]), der, NOW);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.bundle.version, 1);
    assert.equal(r.bundle.bundleSequence, 3);
    assert.equal(r.bundle.issuedAt.toISOString(), hoursFromNow(-2).toISOString());
    assert.equal(r.bundle.notBefore.toISOString(), hoursFromNow(-1).toISOString());
    assert.deepEqual(labels(r.bundle.add), [certLabel(b), anchorLabel(pinX)]);
    assert.deepEqual(r.bundle.retire, []);
    assert.equal(r.signer.der.length, a.cert.der.length);
    assert.deepEqual(labels(r.store.anchors()), [certLabel(a), certLabel(b), anchorLabel(pinX)]);
    assert.equal(r.store.sequence, 3);
  });

  for (const keyType of ['p384', 'ed25519', 'rsa2048'] as const) {
    it(`round trip with a ${keyType} root`, async () => {
      const a = await makeRoot('Root A', { keyType });
      const pin = pinOf((await makeRoot('Root B')).cert, 'certificate-sha256');
      const r = verifyTrustBundle(TrustStore.of([certificateAnchor(a.cert)]), await sign(a, { add: [pin] }), NOW);
      assert.ok(r.ok, !r.ok ? r.message : '');
      assert.deepEqual(labels(r.store.anchors()), [certLabel(a), anchorLabel(pin)]);
    });
  }

  it('a changed content byte: BUNDLE_SIGNATURE_INVALID (messageDigest); a changed signature byte: the same', async () => {
    const a = await makeRoot('Root A');
    const f = fields({ bundleSequence: 5, add: [pinOf((await makeRoot('Root B')).cert, 'certificate-sha256')] });
    const der = await createTrustBundle(f, a.cert, a.signer);
    const store = TrustStore.of([certificateAnchor(a.cert)]);
    const at = der.indexOf(encodeTrustBundleContent(f));
    assert.ok(at > 0);
    const content = Buffer.from(der);
    assert.equal(content[at + 7], 5, 'the bundleSequence octet');
    content[at + 7] = 6;
    assertRefused(verifyTrustBundle(store, content, NOW), 'BUNDLE_SIGNATURE_INVALID');
    const signature = Buffer.from(der);
    signature[signature.length - 1]! ^= 0x01;
    assertRefused(verifyTrustBundle(store, signature, NOW), 'BUNDLE_SIGNATURE_INVALID');
    assert.ok(verifyTrustBundle(store, der, NOW).ok, 'the untouched bundle verifies');
  });

  it('signed by a root the store does not hold: BUNDLE_SIGNER_UNTRUSTED', async () => {
    const [a, c] = [await makeRoot('Root A'), await makeRoot('Root C')];
    const der = await sign(c, { add: [certificateAnchor(c.cert)] });
    assertRefused(verifyTrustBundle(TrustStore.of([certificateAnchor(a.cert)]), der, NOW), 'BUNDLE_SIGNER_UNTRUSTED');
  });

  it('a root with the same name and serial but another key: BUNDLE_SIGNATURE_INVALID', async () => {
    const a = await makeRoot('Root A');
    const impostor = { ...a, signer: (await makeRoot('Root A')).signer };
    const der = await createTrustBundle(fields({ add: [] }), a.cert, { ...impostor.signer, publicKeyDer: a.signer.publicKeyDer });
    assertRefused(verifyTrustBundle(TrustStore.of([certificateAnchor(a.cert)]), der, NOW), 'BUNDLE_SIGNATURE_INVALID');
  });

  it('a signer certificate outside its validity at now: BUNDLE_SIGNER_UNTRUSTED', async () => {
    const old = await makeRoot('Old Root', { issuedAt: new Date('2008-01-01T00:00:00Z') });
    assert.ok(old.cert.notAfter < NOW);
    const der = await sign(old, { add: [pinOf(old.cert, 'spki-sha256')] });
    assertRefused(verifyTrustBundle(TrustStore.of([certificateAnchor(old.cert)]), der, NOW), 'BUNDLE_SIGNER_UNTRUSTED');
  });

  it('a sequence not above the store\'s: BUNDLE_STALE; the next one applies', async () => {
    const a = await makeRoot('Root A');
    const store = TrustStore.of([certificateAnchor(a.cert)], 5);
    const add = [pinOf((await makeRoot('Root B')).cert, 'certificate-sha256')];
    assertRefused(verifyTrustBundle(store, await sign(a, { bundleSequence: 4, add }), NOW), 'BUNDLE_STALE');
    const same = verifyTrustBundle(store, await sign(a, { bundleSequence: 5, add }), NOW);
    assertRefused(same, 'BUNDLE_STALE');
    assert.equal(!same.ok && same.bundle?.bundleSequence, 5, 'the refusal carries the authenticated content');
    const next = verifyTrustBundle(store, await sign(a, { bundleSequence: 6, add }), NOW);
    assert.equal(next.ok && next.store.sequence, 6);
  });

  it('a replayed bundle is stale once applied', async () => {
    const a = await makeRoot('Root A');
    const der = await sign(a, { bundleSequence: 1, add: [pinOf((await makeRoot('Root B')).cert, 'spki-sha256')] });
    const first = verifyTrustBundle(TrustStore.of([certificateAnchor(a.cert)]), der, NOW);
    assert.ok(first.ok);
    assertRefused(verifyTrustBundle(first.store, der, NOW), 'BUNDLE_STALE');
  });

  it('notBefore after now: BUNDLE_NOT_YET_VALID; at exactly notBefore it applies', async () => {
    const a = await makeRoot('Root A');
    const store = TrustStore.of([certificateAnchor(a.cert)]);
    const der = await sign(a, { notBefore: hoursFromNow(1), add: [pinOf((await makeRoot('Root B')).cert, 'spki-sha256')] });
    assertRefused(verifyTrustBundle(store, der, NOW), 'BUNDLE_NOT_YET_VALID');
    assert.equal(verifyTrustBundle(store, der, hoursFromNow(1)).ok, true);
  });

  it('retiring the last anchor: BUNDLE_WOULD_EMPTY_STORE', async () => {
    const a = await makeRoot('Root A');
    const der = await sign(a, { retire: [pinOf(a.cert, 'certificate-sha256')] });
    assertRefused(verifyTrustBundle(TrustStore.of([certificateAnchor(a.cert)]), der, NOW), 'BUNDLE_WOULD_EMPTY_STORE');
  });

  it('garbage, truncation, trailing data and a bundle over 256 KiB: BUNDLE_MALFORMED', async () => {
    const a = await makeRoot('Root A');
    const store = TrustStore.of([certificateAnchor(a.cert)]);
    const der = await sign(a, { add: [pinOf(a.cert, 'spki-sha256')] });
    for (const bad of [Buffer.from('not a bundle'), der.subarray(0, der.length - 1), Buffer.concat([der, Buffer.of(0)]), Buffer.alloc(TRUST_BUNDLE_MAX_BYTES + 1, 0x30)]) {
      assertRefused(verifyTrustBundle(store, bad, NOW), 'BUNDLE_MALFORMED');
    }
  });

  it('creation refuses a key that is not the signer certificate\'s, and a sequence of 0', async () => {
    const [a, b] = [await makeRoot('Root A'), await makeRoot('Root B')];
    await assert.rejects(createTrustBundle(fields({}), a.cert, b.signer), (e) => isTrustError(e) && e.code === 'BUNDLE_SIGNER_MISMATCH');
    await assert.rejects(sign(a, { bundleSequence: 0 }), (e) => isTrustError(e) && e.code === 'BUNDLE_FIELDS_INVALID');
  });
});

describe('root rollover', () => {
  it('store {root A, pin of root B}: a bundle from A adds B and retires A; then only B is trusted', async () => {
    const [a, b] = [await makeRoot('Root A'), await makeRoot('Root B', { keyType: 'p384' })];
    const device = TrustStore.of([certificateAnchor(a.cert), pinOf(b.cert, 'certificate-sha256')]);
    const der = await sign(a, { bundleSequence: 1, add: [certificateAnchor(b.cert)], retire: [certificateAnchor(a.cert)] });
    const r = verifyTrustBundle(device, der, NOW);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(labels(r.store.anchors()), [certLabel(b)], 'the pin became the certificate, A is gone');
    assert.equal(r.store.sequence, 1);
    const [underA, underB] = [await makeLeaf(a, 'dev-a'), await makeLeaf(b, 'dev-b')];
    const check = (leaf: typeof underA, anchors: readonly TrustAnchor[]) => verifyPath({ leaf, intermediates: [], anchors, now: NOW, usage: 'clientAuth' });
    assert.equal(check(underA, device.anchors()).ok, true, 'before: a chain under A verifies');
    const after = [check(underB, r.store.anchors()), check(underA, r.store.anchors())];
    assert.equal(after[0]!.ok, true, !after[0]!.ok ? after[0]!.message : '');
    assert.equal(!after[1]!.ok && after[1]!.code, 'ISSUER_NOT_FOUND');
    // A bundle A signs after its retirement no longer applies.
    assertRefused(verifyTrustBundle(r.store, await sign(a, { bundleSequence: 2, add: [certificateAnchor(a.cert)] }), NOW), 'BUNDLE_SIGNER_UNTRUSTED');
  });

  it('a pinned backup root may sign when it carries its certificate (A lost or compromised)', async () => {
    const [a, b, d] = [await makeRoot('Root A'), await makeRoot('Root B'), await makeRoot('Root D')];
    const device = TrustStore.of([certificateAnchor(a.cert), pinOf(b.cert, 'spki-sha256')]);
    const r = verifyTrustBundle(device, await sign(b, { add: [certificateAnchor(b.cert)], retire: [certificateAnchor(a.cert)] }), NOW);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.signer.der.length, b.cert.der.length);
    assert.deepEqual(labels(r.store.anchors()), [certLabel(b)]);
    assertRefused(verifyTrustBundle(device, await sign(d, { add: [certificateAnchor(d.cert)] }), NOW), 'BUNDLE_SIGNER_UNTRUSTED');
  });
});

describe('trust bundle parser under mutation', () => {
  it('2,000 single-byte mutations never throw; each is refused with a stable code unless it hit unsigned bytes', async () => {
    const a = await makeRoot('Root A');
    const store = TrustStore.of([certificateAnchor(a.cert)]);
    const der = await sign(a, { add: [pinOf((await makeRoot('Root B')).cert, 'spki-sha256')] });
    const carried = [der.indexOf(Buffer.from(a.cert.der)), der.indexOf(Buffer.from(a.cert.der)) + a.cert.der.length];
    const seen = new Map<string, number>();
    let seed = 0x1fedf00d;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 2000; i++) {
      const m = Buffer.from(der);
      const at = next() % m.length;
      m[at]! ^= 1 + (next() % 255);
      const r = verifyTrustBundle(store, m, NOW);
      const key = r.ok ? 'ok' : r.code;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      // The carried certificate is outside the signature (RFC 5652 5.1); the anchor the store holds is what counts.
      if (r.ok) assert.ok(at >= carried[0]! && at < carried[1]!, `mutation at ${at} was accepted`);
    }
    for (const code of ['BUNDLE_MALFORMED', 'BUNDLE_SIGNATURE_INVALID', 'BUNDLE_SIGNER_UNTRUSTED']) assert.ok((seen.get(code) ?? 0) > 0, `never reached ${code}: ${[...seen]}`);
  });
});
