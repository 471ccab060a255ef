/**
 * verifyPath's algorithm policy (VerifyPathInput.algorithms, decision 006): SHA-1 and DSA
 * are refused by default and verified under 'legacy', DSA parameters inherited along the
 * path (RFC 5280 6.1.4 (f), RFC 3279 2.3.2). Certificates are built here from a TBS and a
 * node:crypto signature, so any key and algorithm can be used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { encodeName, keyIdentifier, parseCertificate, parseNameString, verifyPath, type VerifyPathInput, type VerifyPathResult } from '../src/index.js';
import { algorithmIdentifier } from '../src/crypto/algorithms.js';
import { OID_DSA } from '../src/crypto/dsa.js';
import { bitString, nullValue, oid, sequence } from '../src/der/writer.js';
import { readRoot, sequenceOf, whole } from '../src/der/reader.js';
import { encodeTbs } from '../src/issue/tbs.js';
import { encodeExtension } from '../src/x509/extensions/extension.js';
import { encodeBasicConstraints } from '../src/x509/extensions/basic-constraints.js';
import { encodeKeyUsage } from '../src/x509/extensions/key-usage.js';
import { encodeAuthorityKeyIdentifier, encodeSubjectKeyIdentifier } from '../src/x509/extensions/key-identifiers.js';
import { cert as ecCert, node as ecNode, NOW, T0, T1 } from './path-fixtures.js';

/** A key that signs, and the SPKI its certificate carries (a DSA one may leave out its parameters). */
interface Party { readonly name: string; readonly privateKey: KeyObject; readonly spki: Buffer; readonly keyId: Buffer }

const ALGS = {
  'ecdsa-with-SHA256': { der: algorithmIdentifier('ecdsa-with-SHA256'), hash: 'sha256' },
  'ecdsa-with-SHA1': { der: sequence(oid('1.2.840.10045.4.1')), hash: 'sha1' },
  'sha1WithRSAEncryption': { der: sequence(oid('1.2.840.113549.1.1.5'), nullValue()), hash: 'sha1' },
  'dsa-with-sha1': { der: sequence(oid('1.2.840.10040.4.3')), hash: 'sha1' },
  'id-dsa-with-sha256': { der: sequence(oid('2.16.840.1.101.3.4.3.2')), hash: 'sha256' },
} as const;
type Alg = keyof typeof ALGS;

function party(name: string, keys: { privateKey: KeyObject; publicKey: KeyObject }, withoutParameters = false): Party {
  let spki: Buffer = keys.publicKey.export({ format: 'der', type: 'spki' });
  if (withoutParameters) {
    // RFC 3279 2.3.2: the parameters are omitted, to be inherited from the issuer.
    const [, key] = sequenceOf(readRoot(spki), 'SubjectPublicKeyInfo');
    spki = sequence(sequence(oid(OID_DSA)), whole(key!));
  }
  return { name, privateKey: keys.privateKey, spki, keyId: Buffer.from(keyIdentifier({ subjectPublicKey: spki })) };
}

let serial = 0x100;
function issue(subject: Party, issuer: Party, alg: Alg, ca: boolean): Buffer {
  const exts = [
    ...(ca ? [encodeExtension('2.5.29.19', true, encodeBasicConstraints({ cA: true, pathLenConstraint: null }))] : []),
    encodeExtension('2.5.29.15', true, encodeKeyUsage(ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature'])),
    encodeExtension('2.5.29.14', false, encodeSubjectKeyIdentifier(subject.keyId)),
    encodeExtension('2.5.29.35', false, encodeAuthorityKeyIdentifier(issuer.keyId)),
  ];
  const tbs = encodeTbs({
    serial: Buffer.from([0x01, serial++ & 0xff]), signatureAlgorithm: ALGS[alg].der,
    issuer: encodeName(parseNameString(`CN=${issuer.name}`)), subject: encodeName(parseNameString(`CN=${subject.name}`)),
    notBefore: T0, notAfter: T1, spki: subject.spki, extensions: Buffer.concat(exts),
  });
  return sequence(tbs, ALGS[alg].der, bitString(sign(ALGS[alg].hash, tbs, issuer.privateKey)));
}

const dsaKeys = () => generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
const root = ecNode('Legacy Root');
const rootCert = ecCert(root, root, { ca: true });
const rootParty: Party = { name: root.name, privateKey: root.keys.privateKey, spki: root.spki, keyId: root.keyId };
const leafParty = (name: string): Party => { const n = ecNode(name); return { name, privateKey: n.keys.privateKey, spki: n.spki, keyId: n.keyId }; };

function run(leaf: Uint8Array, intermediates: Uint8Array[], extra: Partial<VerifyPathInput> = {}): VerifyPathResult {
  return verifyPath({ leaf, intermediates, anchors: [{ kind: 'certificate', certificate: rootCert }], now: NOW, usage: 'any', ...extra });
}
const code = (r: VerifyPathResult): string => (r.ok ? `OK:${r.path.length}` : `${r.code}@${r.index ?? '-'}`);
const LEGACY = { algorithms: 'legacy' } as const;

const dsaCa = party('DSA CA', dsaKeys());
const dsaCaDer = issue(dsaCa, rootParty, 'ecdsa-with-SHA256', true);

test('a DSA chain verifies only under legacy: dsa-with-sha1 is WEAK_ALGORITHM, id-dsa-with-sha256 UNSUPPORTED_ALGORITHM by default', () => {
  const sha1Leaf = issue(leafParty('dsa-sha1 leaf'), dsaCa, 'dsa-with-sha1', false);
  const sha256Leaf = issue(leafParty('dsa-sha256 leaf'), dsaCa, 'id-dsa-with-sha256', false);
  assert.equal(code(run(sha1Leaf, [dsaCaDer])), 'WEAK_ALGORITHM@0');
  assert.equal(code(run(sha256Leaf, [dsaCaDer])), 'UNSUPPORTED_ALGORITHM@0');
  assert.equal(code(run(sha1Leaf, [dsaCaDer], LEGACY)), 'OK:3');
  assert.equal(code(run(sha256Leaf, [dsaCaDer], LEGACY)), 'OK:3');
  // The DSA CA given parsed (legacy) to a default validation is still refused: no path.
  const parsedCa = parseCertificate(dsaCaDer, LEGACY);
  assert.equal(parsedCa.publicKey.keyType, 'dsa');
  assert.equal(parsedCa.publicKey.bits, 1024);
  assert.equal(code(run(parseCertificate(sha1Leaf, LEGACY).der, [dsaCaDer], { algorithms: 'default' })), 'WEAK_ALGORITHM@0');
  assert.equal(code(verifyPath({ leaf: parseCertificate(sha1Leaf, LEGACY), intermediates: [parsedCa], anchors: [{ kind: 'certificate', certificate: rootCert }], now: NOW, usage: 'any' })), 'WEAK_ALGORITHM@0');
  // parseCertificate stays strict for the CA's callers.
  assert.throws(() => parseCertificate(dsaCaDer), { code: 'UNSUPPORTED_KEY' });
  assert.throws(() => parseCertificate(sha1Leaf), { code: 'WEAK_ALGORITHM' });
});

test('a SHA-1 leaf is WEAK_ALGORITHM by default and good under legacy (RSA and ECDSA issuers)', () => {
  const rsaCa = party('RSA CA', generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const rsaCaDer = issue(rsaCa, rootParty, 'ecdsa-with-SHA256', true);
  const ecCa = leafParty('EC CA');
  const ecCaDer = issue(ecCa, rootParty, 'ecdsa-with-SHA256', true);
  for (const [leaf, ca] of [[issue(leafParty('rsa-sha1 leaf'), rsaCa, 'sha1WithRSAEncryption', false), rsaCaDer], [issue(leafParty('ec-sha1 leaf'), ecCa, 'ecdsa-with-SHA1', false), ecCaDer]] as const) {
    assert.equal(code(run(leaf, [ca])), 'WEAK_ALGORITHM@0');
    assert.equal(code(run(leaf, [ca], LEGACY)), 'OK:3');
  }
});

test('DSA parameters are inherited from the key above (RFC 5280 6.1.4 (f)); a wrong inherited set is SIGNATURE_INVALID', () => {
  // The same key pair as the DSA CA, certified without parameters: it inherits the DSA CA's.
  const inheriting = party('Inheriting CA', { privateKey: dsaCa.privateKey, publicKey: createPublicKey({ key: dsaCa.spki, format: 'der', type: 'spki' }) }, true);
  const inheritingDer = issue(inheriting, dsaCa, 'dsa-with-sha1', true);
  assert.equal(parseCertificate(inheritingDer, LEGACY).publicKey.keyType === 'dsa' && parseCertificate(inheritingDer, LEGACY).publicKey.bits, null);
  const leaf = issue(leafParty('inheriting leaf'), inheriting, 'dsa-with-sha1', false);
  const r = run(leaf, [inheritingDer, dsaCaDer], LEGACY);
  assert.equal(code(r), 'OK:4');
  assert.ok(r.ok && r.signatureChecks === 3);
  // A key generated with other parameters, certified without them: the inherited set does not fit.
  const stranger = party('Stranger CA', dsaKeys(), true);
  const strangerDer = issue(stranger, dsaCa, 'dsa-with-sha1', true);
  const strangerLeaf = issue(leafParty('stranger leaf'), stranger, 'dsa-with-sha1', false);
  assert.equal(code(run(strangerLeaf, [strangerDer, dsaCaDer], LEGACY)), 'SIGNATURE_INVALID@0');
  // Nothing to inherit from: the key above is ECDSA.
  const orphan = party('Orphan CA', dsaKeys(), true);
  const orphanDer = issue(orphan, rootParty, 'ecdsa-with-SHA256', true);
  assert.equal(code(run(issue(leafParty('orphan leaf'), orphan, 'dsa-with-sha1', false), [orphanDer], LEGACY)), 'SIGNATURE_INVALID@0');
});
