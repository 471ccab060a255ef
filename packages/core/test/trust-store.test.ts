/** The trust store: anchors as certificates and pins, promotion, retirement, the JSON form. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  anchorLabel, certificateAnchor, encodeTrustStore, formatPin, parsePin, parseTrustStore, pinOf, TRUST_STORE_LIMITS, TrustStore,
} from '../src/index.js';
import { makeRoot } from './trust-fixtures.js';

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const labels = (s: TrustStore): string[] => s.anchors().map(anchorLabel);

describe('TrustStore', () => {
  it('holds certificates and pins in the order added, and folds duplicates', async () => {
    const [a, b] = [await makeRoot('Root A'), await makeRoot('Root B')];
    const pinB = pinOf(b.cert, 'certificate-sha256');
    const s = TrustStore.of([certificateAnchor(a.cert), pinB, certificateAnchor(a.cert), pinB]);
    assert.deepEqual(labels(s), [`certificate sha256:${sha256Hex(a.cert.der)}`, `sha256:${sha256Hex(b.cert.der)}`]);
    assert.equal(s.sequence, 0);
    assert.equal(s.add(certificateAnchor(a.cert)), s);
    assert.equal(s.add(pinOf(a.cert, 'spki-sha256')), s, 'a pin a held certificate satisfies adds nothing');
  });

  it('promote: a presented certificate that matches a certificate pin replaces it; anything else leaves the store as it was', async () => {
    const [a, b, c] = [await makeRoot('Root A'), await makeRoot('Root B'), await makeRoot('Root C')];
    const s = TrustStore.of([certificateAnchor(a.cert), pinOf(b.cert, 'certificate-sha256')]);
    const promoted = s.promote(b.cert);
    assert.deepEqual(labels(promoted), [`certificate sha256:${sha256Hex(a.cert.der)}`, `certificate sha256:${sha256Hex(b.cert.der)}`]);
    const second = promoted.anchors()[1]!;
    assert.equal(second.kind === 'certificate' ? second.certificate : null, b.cert);
    assert.equal(s.promote(c.cert), s);
    assert.equal(s.promote(a.cert), s);
    assert.deepEqual(labels(s), [`certificate sha256:${sha256Hex(a.cert.der)}`, `sha256:${sha256Hex(b.cert.der)}`], 'the original is unchanged');
  });

  it('promote: an SPKI pin accepts any certificate with that key', async () => {
    const b = await makeRoot('Root B');
    const s = TrustStore.of([pinOf(b.cert, 'spki-sha256')]);
    assert.equal(formatPin(s.pins()[0]!), `spki-sha256:${sha256Hex(b.cert.publicKey.spki)}`);
    assert.deepEqual(labels(s.promote(b.cert)), [`certificate sha256:${sha256Hex(b.cert.der)}`]);
  });

  it('retire removes every anchor sharing an identity with the reference', async () => {
    const [a, b] = [await makeRoot('Root A'), await makeRoot('Root B')];
    const s = TrustStore.of([certificateAnchor(a.cert), certificateAnchor(b.cert), pinOf(a.cert, 'certificate-sha256')]);
    assert.equal(s.size, 2, 'the pin of a held certificate folds into it');
    assert.deepEqual(labels(s.retire(pinOf(a.cert, 'certificate-sha256'))), [`certificate sha256:${sha256Hex(b.cert.der)}`]);
    assert.deepEqual(labels(s.retire(pinOf(b.cert, 'spki-sha256'))), [`certificate sha256:${sha256Hex(a.cert.der)}`]);
    assert.equal(s.retire(pinOf((await makeRoot('Root C')).cert, 'certificate-sha256')), s);
  });

  it('withSequence refuses numbers outside 0..2^31-1', () => {
    assert.throws(() => TrustStore.EMPTY.withSequence(-1), RangeError);
    assert.throws(() => TrustStore.EMPTY.withSequence(2 ** 31), RangeError);
    assert.equal(TrustStore.EMPTY.withSequence(2 ** 31 - 1).sequence, 2 ** 31 - 1);
  });
});

describe('pins as text', () => {
  it('parsePin reads sha256: and spki-sha256: with 64 hex digits (colons allowed) and nothing else', () => {
    const hex = 'ab'.repeat(32);
    assert.equal(formatPin(parsePin(`sha256:${hex}`)!), `sha256:${hex}`);
    assert.equal(formatPin(parsePin(`spki-sha256:${'AB:'.repeat(31)}AB`)!), `spki-sha256:${hex}`);
    assert.equal(parsePin(`sha256:${hex.slice(2)}`), null);
    assert.equal(parsePin(`sha1:${hex}`), null);
    assert.equal(parsePin('root.pem'), null);
  });
});

describe('trust store JSON', () => {
  it('round-trips to the same bytes, with the sequence, and writes pins as lower-case hex', async () => {
    const [a, b] = [await makeRoot('Root A'), await makeRoot('Root B')];
    const s = TrustStore.of([certificateAnchor(a.cert), pinOf(b.cert, 'spki-sha256')], 7);
    const text = encodeTrustStore(s);
    assert.deepEqual(JSON.parse(text), {
      format: 'fleetpki-trust-store', version: 1, sequence: 7,
      anchors: [{ kind: 'certificate', der: Buffer.from(a.cert.der).toString('base64') }, { kind: 'spki-sha256', sha256: sha256Hex(b.cert.publicKey.spki) }],
    });
    const back = parseTrustStore(text);
    assert.ok(back.ok);
    assert.equal(back.store.sequence, 7);
    assert.deepEqual(labels(back.store), labels(s));
    assert.equal(encodeTrustStore(back.store), text);
  });

  const malformed: readonly (readonly [string, string, RegExp])[] = [
    ['not JSON', '{', /not JSON/],
    ['another format', '{"format":"x","version":1,"sequence":0,"anchors":[]}', /not a fleetpki-trust-store/],
    ['version 2', '{"format":"fleetpki-trust-store","version":2,"sequence":0,"anchors":[]}', /unsupported version 2/],
    ['a negative sequence', '{"format":"fleetpki-trust-store","version":1,"sequence":-1,"anchors":[]}', /sequence/],
    ['an upper-case pin', `{"format":"fleetpki-trust-store","version":1,"sequence":0,"anchors":[{"kind":"spki-sha256","sha256":"${'AB'.repeat(32)}"}]}`, /anchors\[0\]\.sha256/],
    ['a short pin', `{"format":"fleetpki-trust-store","version":1,"sequence":0,"anchors":[{"kind":"certificate-sha256","sha256":"abcd"}]}`, /anchors\[0\]\.sha256/],
    ['a broken certificate', '{"format":"fleetpki-trust-store","version":1,"sequence":0,"anchors":[{"kind":"certificate","der":"MAA="}]}', /anchors\[0\]\.der: /],
    ['an unknown kind', '{"format":"fleetpki-trust-store","version":1,"sequence":0,"anchors":[{"kind":"spki-sha1","sha256":""}]}', /anchors\[0\]\.kind/],
    ['too many anchors', `{"format":"fleetpki-trust-store","version":1,"sequence":0,"anchors":[${Array(TRUST_STORE_LIMITS.maxAnchors + 1).fill('{}').join(',')}]}`, /at most 256/],
  ];
  for (const [what, text, message] of malformed) {
    it(`refuses ${what}: TRUST_STORE_MALFORMED`, () => {
      const r = parseTrustStore(text);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.code === 'TRUST_STORE_MALFORMED');
      assert.match(!r.ok ? r.message : '', message);
    });
  }
});
