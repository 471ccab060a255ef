import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { verifyPath, PATH_ERRORS, PATH_ERROR_CODES, type VerifyPathInput, type VerifyPathResult } from '../src/index.js';
import { encodeExtension } from '../src/x509/extensions/extension.js';
import { cert, node, NOW, simpleChain, T0, T1 } from './path-fixtures.js';

function run(c: ReturnType<typeof simpleChain>, extra: Partial<VerifyPathInput> = {}): VerifyPathResult {
  return verifyPath({ leaf: c.leaf, intermediates: [c.ca], anchors: [{ kind: 'certificate', certificate: c.root }], now: NOW, usage: 'clientAuth', ...extra });
}

const code = (r: VerifyPathResult): string => (r.ok ? 'OK' : `${r.code}@${r.index ?? '-'}`);

test('a good chain validates, leaf first, with two signature checks', () => {
  const c = simpleChain();
  const r = run(c, { peerName: { kind: 'dns', value: 'DEVICE-1.example.com' } });
  assert.equal(code(r), 'OK');
  assert.ok(r.ok);
  assert.deepEqual(r.path.map((x) => x.der), [c.leaf.der, c.ca.der, c.root.der]);
  assert.equal(r.anchor, c.root);
  assert.equal(r.signatureChecks, 2);
});

test('DER inputs validate the same way, and garbage is CERT_MALFORMED, not a throw', () => {
  const c = simpleChain();
  assert.equal(code(verifyPath({ leaf: c.leaf.der, intermediates: [c.ca.der, Buffer.from('junk')], anchors: [{ kind: 'certificate', certificate: c.root }], now: NOW, usage: 'clientAuth' })), 'OK');
  assert.equal(code(verifyPath({ leaf: Buffer.from([0x30, 0x03, 0x02, 0x01]), intermediates: [], anchors: [], now: NOW, usage: 'any' })), 'CERT_MALFORMED@0');
});

test('validity is inclusive at both ends, to the second', () => {
  const c = simpleChain();
  assert.equal(code(run(c, { now: T0 })), 'OK');
  assert.equal(code(run(c, { now: T1 })), 'OK');
  assert.equal(code(run(c, { now: new Date(T1.getTime() + 999) })), 'OK');
  assert.equal(code(run(c, { now: new Date(T1.getTime() + 1000) })), 'CERT_EXPIRED@0');
  assert.equal(code(run(c, { now: new Date(T0.getTime() - 1) })), 'CERT_NOT_YET_VALID@0');
});

test('an expired intermediate is reported at its index', () => {
  const c = simpleChain();
  const ca = cert(c.caN, c.rootN, { ca: true, notAfter: new Date('2030-03-01T00:00:00Z') });
  assert.equal(code(run({ ...c, ca })), 'CERT_EXPIRED@1');
});

test('a wrong signature is SIGNATURE_INVALID on the signed certificate', () => {
  const c = simpleChain();
  const leaf = cert(c.leafN, c.caN, { signWith: node('Other') });
  assert.equal(code(run({ ...c, leaf })), 'SIGNATURE_INVALID@0');
});

test('an issuer without cA is NOT_A_CA; one without keyCertSign is KEY_USAGE_INVALID', () => {
  const c = simpleChain();
  assert.equal(code(run({ ...c, ca: cert(c.caN, c.rootN, { ca: false, keyUsage: ['digitalSignature'] }) })), 'NOT_A_CA@1');
  assert.equal(code(run({ ...c, ca: cert(c.caN, c.rootN, { ca: true, keyUsage: ['cRLSign'] }) })), 'KEY_USAGE_INVALID@1');
});

test('pathLenConstraint 0 on the issuing CA refuses a second intermediate; self-issued ones do not count', () => {
  const c = simpleChain();
  const subN = node('Sub CA');
  const sub = cert(subN, c.caN, { ca: true });
  const leaf = cert(c.leafN, subN, {});
  const input = { leaf, intermediates: [c.ca, sub], anchors: [{ kind: 'certificate' as const, certificate: c.root }], now: NOW, usage: 'any' as const };
  assert.equal(code(verifyPath(input)), 'PATH_LENGTH_EXCEEDED@1');
  // A key rollover certificate (same name, new key) under the pathLen 0 CA is self-issued.
  const caN2 = { ...node('Issuing CA') };
  const rollover = cert(caN2, c.caN, { ca: true });
  const leaf2 = cert(c.leafN, caN2, {});
  assert.equal(code(verifyPath({ ...input, leaf: leaf2, intermediates: [c.ca, rollover] })), 'OK');
  assert.equal(code(verifyPath({ ...input, leaf: leaf2, intermediates: [c.ca, rollover], maxIntermediates: 1 })), 'OK');
  assert.equal(code(verifyPath({ ...input, leaf: c.leaf, intermediates: [c.ca], maxIntermediates: 0 })), 'PATH_LENGTH_EXCEEDED@1');
});

test('EKU: the leaf must allow the usage; anyExtendedKeyUsage or no EKU also do; a CA EKU limits too', () => {
  const c = simpleChain();
  assert.equal(code(run(c, { usage: 'serverAuth' })), 'EXT_KEY_USAGE_INVALID@0');
  assert.equal(code(run({ ...c, leaf: cert(c.leafN, c.caN, { eku: ['2.5.29.37.0'] }) }, { usage: 'serverAuth' })), 'OK');
  assert.equal(code(run({ ...c, leaf: cert(c.leafN, c.caN, {}) }, { usage: 'codeSigning' })), 'OK');
  assert.equal(code(run(c, { extKeyUsage: ['1.3.6.1.5.5.7.3.4'] })), 'EXT_KEY_USAGE_INVALID@0');
  const ca = cert(c.caN, c.rootN, { ca: true, eku: ['1.3.6.1.5.5.7.3.1'] });
  assert.equal(code(run({ ...c, ca })), 'EXT_KEY_USAGE_INVALID@1');
});

test('key usage: required bits must be present when the leaf has keyUsage', () => {
  const c = simpleChain();
  assert.equal(code(run(c, { keyUsage: ['digitalSignature'] })), 'OK');
  assert.equal(code(run(c, { keyUsage: ['keyAgreement'] })), 'KEY_USAGE_INVALID@0');
  assert.equal(code(run({ ...c, leaf: cert(c.leafN, c.caN, { keyUsage: ['keyCertSign'] }) })), 'KEY_USAGE_INVALID@0');
});

test('an unknown critical extension is refused in the leaf and in a CA; a non-critical one is fine', () => {
  const c = simpleChain();
  const unknown = (critical: boolean) => encodeExtension('1.3.6.1.4.1.55738.666.1', critical, Buffer.from([0x05, 0x00]));
  assert.equal(code(run({ ...c, leaf: cert(c.leafN, c.caN, { extra: [unknown(true)] }) })), 'UNKNOWN_CRITICAL_EXTENSION@0');
  assert.equal(code(run({ ...c, leaf: cert(c.leafN, c.caN, { extra: [unknown(false)] }) })), 'OK');
  assert.equal(code(run({ ...c, ca: cert(c.caN, c.rootN, { ca: true, extra: [unknown(true)] }) })), 'UNKNOWN_CRITICAL_EXTENSION@1');
});

test('peer names: DNS with a left-most wildcard, IP by octets, email; never the CN', () => {
  const c = simpleChain();
  const leaf = cert(c.leafN, c.caN, { san: [{ type: 'dns', value: '*.devices.example.com' }, { type: 'ip', value: '2001:db8::1' }, { type: 'email', value: 'Ops@Example.com' }] });
  const chain = { ...c, leaf };
  assert.equal(code(run(chain, { peerName: { kind: 'dns', value: 'a.devices.example.com' } })), 'OK');
  assert.equal(code(run(chain, { peerName: { kind: 'dns', value: 'a.b.devices.example.com' } })), 'PEER_NAME_MISMATCH@0');
  assert.equal(code(run(chain, { peerName: { kind: 'dns', value: 'devices.example.com' } })), 'PEER_NAME_MISMATCH@0');
  assert.equal(code(run(chain, { peerName: { kind: 'ip', value: '2001:0db8:0:0::1' } })), 'OK');
  assert.equal(code(run(chain, { peerName: { kind: 'ip', value: '2001:db8::2' } })), 'PEER_NAME_MISMATCH@0');
  assert.equal(code(run(chain, { peerName: { kind: 'email', value: 'Ops@example.COM' } })), 'OK');
  assert.equal(code(run(chain, { peerName: { kind: 'email', value: 'ops@example.com' } })), 'PEER_NAME_MISMATCH@0');
  assert.equal(code(run(c, { peerName: { kind: 'dns', value: 'device-1' } })), 'PEER_NAME_MISMATCH@0');
});

test('pinned anchors: a presented certificate whose DER or SPKI hash is pinned becomes the anchor', () => {
  const c = simpleChain();
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();
  const base = { leaf: c.leaf, now: NOW, usage: 'clientAuth' as const };
  const byCert = verifyPath({ ...base, intermediates: [c.ca, c.root], anchors: [{ kind: 'certificate-sha256', sha256: sha(c.root.der) }] });
  assert.ok(byCert.ok);
  assert.equal(byCert.anchor.der, c.root.der);
  assert.equal(code(verifyPath({ ...base, intermediates: [c.ca], anchors: [{ kind: 'spki-sha256', sha256: sha(c.ca.publicKey.spki) }] })), 'OK');
  assert.equal(code(verifyPath({ ...base, intermediates: [c.ca, c.root], anchors: [{ kind: 'spki-sha256', sha256: sha(Buffer.from('other')) }] })), 'UNTRUSTED_ROOT@2');
});

test('a v1 root is a trust anchor (name and key), but a v1 intermediate is NOT_A_CA', () => {
  const c = simpleChain();
  const v1Root = cert(c.rootN, c.rootN, { v1: true });
  assert.equal(v1Root.version, 1);
  assert.equal(code(run({ ...c, root: v1Root })), 'OK');
  assert.equal(code(run({ ...c, ca: cert(c.caN, c.rootN, { v1: true }) })), 'NOT_A_CA@1');
});

test('a SHA-1 signed leaf is WEAK_ALGORITHM; a SHA-1 signed intermediate is passed over', () => {
  const c = simpleChain();
  // With `sha1` the fixture returns only the DER (the parser refuses it, which is the point).
  const weakLeaf = cert(c.leafN, c.caN, { sha1: true }).der;
  assert.equal(code(verifyPath({ leaf: weakLeaf, intermediates: [c.ca], anchors: [{ kind: 'certificate', certificate: c.root }], now: NOW, usage: 'any' })), 'WEAK_ALGORITHM@0');
  const weakCa = cert(c.caN, c.rootN, { ca: true, sha1: true }).der;
  assert.equal(code(run(c, { intermediates: [weakCa] })), 'ISSUER_NOT_FOUND@0');
  assert.equal(code(run(c, { intermediates: [weakCa, c.ca] })), 'OK');
});

test('no anchor at all is ISSUER_NOT_FOUND at the top certificate', () => {
  const c = simpleChain();
  assert.equal(code(verifyPath({ leaf: c.leaf, intermediates: [], anchors: [{ kind: 'certificate', certificate: c.root }], now: NOW, usage: 'any' })), 'ISSUER_NOT_FOUND@0');
});

test('every PathErrorCode has a message', () => {
  assert.equal(PATH_ERROR_CODES.length, 20);
  for (const k of PATH_ERROR_CODES) assert.match(PATH_ERRORS[k], /^[a-z]/);
});
