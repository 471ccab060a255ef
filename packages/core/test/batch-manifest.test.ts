/**
 * Batch manifests: the content lines, the streamed SignedData frame (byte for byte the
 * general encoder's output, so nothing but framing differs), reading it back from a prefix
 * and a tail, and verification with its stable codes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  frameSignedData, ManifestError, manifestEntryLine, manifestHeaderLine, manifestTrailerLine, OID_BATCH_MANIFEST, parseManifestLine,
  readFrameHead, readFrameTail, verifyManifestSignature, type TrustAnchor,
} from '../src/index.js';
import { signSignedData } from '../src/trust/cms-signed-data.js';
import { NOW } from './helpers.js';
import { makeRoot } from './trust-fixtures.js';

const header = { batchId: 'B7', ca: 'cm1', caCertificateSha256: 'ab'.repeat(32), manufacturer: 'Contoso', profile: 'device-idevid', signedAt: '2030-06-15T12:00:00.000Z' };
const entry = { deviceId: 'dev-1', serial: '7f01', sha256: 'cd'.repeat(32) };
const content = Buffer.from(manifestHeaderLine(header) + manifestEntryLine(entry) + manifestTrailerLine(1));

/** The whole encoding of a frame around `body`, as a file holds it. */
async function framed(body: Buffer, eContentType = OID_BATCH_MANIFEST, kind: 'ed25519' | 'p256' = 'ed25519') {
  const root = await makeRoot('Manifest Signer', { keyType: kind });
  const digestName = kind === 'ed25519' ? 'sha512' : 'sha256';
  const frame = await frameSignedData({
    eContentType, eContentLength: body.length, messageDigest: createHash(digestName).update(body).digest(), certificates: [root.cert], signer: root.signer,
  });
  return { root, bytes: Buffer.concat([frame.head, body, frame.tail]), digestName };
}

/** Exactly the head: the bytes before the content, found from the whole encoding. */
const layoutEnd = (bytes: Buffer): number => readFrameHead(bytes, bytes.length).contentStart;

function verifyBytes(bytes: Buffer, anchors: readonly TrustAnchor[]) {
  const layout = readFrameHead(bytes.subarray(0, 256), bytes.length);
  const tail = readFrameTail(bytes.subarray(layout.contentEnd), 4);
  const contentDigest = createHash(layout.digestAlgorithm).update(bytes.subarray(layout.contentStart, layout.contentEnd)).digest();
  return verifyManifestSignature({ layout, tail, contentDigest, anchors, now: NOW });
}

describe('manifest content lines', () => {
  it('writes and reads the header, a device and the count exactly', () => {
    const lines = content.toString().split('\n');
    assert.equal(lines[1], '{"deviceId":"dev-1","serial":"7f01","sha256":"' + 'cd'.repeat(32) + '"}');
    assert.deepEqual(parseManifestLine(lines[0]!), { kind: 'header', header });
    assert.deepEqual(parseManifestLine(lines[1]!), { kind: 'entry', entry });
    assert.deepEqual(parseManifestLine(lines[2]!), { kind: 'trailer', count: 1 });
  });

  for (const [defect, line] of [
    ['not JSON', '{"deviceId":'], ['an extra field', '{"deviceId":"d","serial":"01","sha256":"' + 'cd'.repeat(32) + '","x":1}'],
    ['an upper-case serial', '{"deviceId":"d","serial":"7F","sha256":"' + 'cd'.repeat(32) + '"}'], ['a short hash', '{"deviceId":"d","serial":"01","sha256":"cd"}'],
    ['a negative count', '{"count":-1}'], ['another format', manifestHeaderLine(header).replace('/1', '/2').trim()],
  ] as const) {
    it(`refuses ${defect}: MANIFEST_MALFORMED`, () => {
      assert.throws(() => parseManifestLine(line), (e: unknown) => e instanceof ManifestError && e.code === 'MANIFEST_MALFORMED');
    });
  }
});

describe('the streamed SignedData frame', () => {
  it('is byte for byte the general encoder\'s SignedData (Ed25519 signs deterministically)', async () => {
    const { root, bytes } = await framed(content);
    assert.deepEqual(bytes, await signSignedData({ eContentType: OID_BATCH_MANIFEST, eContent: content, signerCertificate: root.cert, signer: root.signer }));
  });

  it('is read back from its first bytes and its tail, and verifies against the signer\'s root', async () => {
    const { root, bytes } = await framed(content, OID_BATCH_MANIFEST, 'p256');
    const layout = readFrameHead(bytes.subarray(0, layoutEnd(bytes)), bytes.length);
    assert.deepEqual(bytes.subarray(layout.contentStart, layout.contentEnd), content);
    assert.equal(layout.digestAlgorithm, 'sha256');
    const r = verifyBytes(bytes, [{ kind: 'certificate', certificate: root.cert }]);
    assert.ok(r.ok);
    assert.deepEqual(r.signer.der, root.cert.der);
  });

  it('a changed content byte is MANIFEST_SIGNATURE_INVALID', async () => {
    const { root, bytes } = await framed(content);
    const layout = readFrameHead(bytes, bytes.length);
    bytes[layout.contentStart + 10]! ^= 1;
    const r = verifyBytes(bytes, [{ kind: 'certificate', certificate: root.cert }]);
    assert.deepEqual([r.ok, !r.ok && r.code], [false, 'MANIFEST_SIGNATURE_INVALID']);
  });

  it('a signer that chains to no anchor is MANIFEST_SIGNER_UNTRUSTED; another content type is MANIFEST_MALFORMED', async () => {
    const { bytes } = await framed(content);
    const other = await makeRoot('Somebody Else');
    const untrusted = verifyBytes(bytes, [{ kind: 'certificate', certificate: other.cert }]);
    assert.deepEqual([untrusted.ok, !untrusted.ok && untrusted.code], [false, 'MANIFEST_SIGNER_UNTRUSTED']);
    const bundle = await framed(content, '2.25.187186557921229349311616345953365212245');
    const r = verifyBytes(bundle.bytes, [{ kind: 'certificate', certificate: bundle.root.cert }]);
    assert.deepEqual([r.ok, !r.ok && r.code], [false, 'MANIFEST_MALFORMED']);
  });

  it('a head cut short or trailing bytes are BAD_DER, never a read past the bytes given', async () => {
    const { bytes } = await framed(content);
    assert.throws(() => readFrameHead(bytes.subarray(0, 12), bytes.length), (e: unknown) => (e as { code?: string }).code === 'BAD_DER');
    assert.throws(() => readFrameHead(bytes, bytes.length + 1), (e: unknown) => (e as { code?: string }).code === 'BAD_DER');
  });
});
