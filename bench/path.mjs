// Path validation (issue 4): a 3-certificate P-256 chain (device leaf, issuing CA, root
// anchor) validated from DER with a CRL check, beside the ceiling measured in the same run:
// node:crypto verifying the chain's two signatures alone, keys already imported. Each
// validation parses the leaf, the intermediate and the CRL, builds the path, checks every
// RFC 5280 section 6 rule and verifies three signatures (leaf, CA, CRL), so in the cold case
// (fresh DER copies, nothing reusable) 2/3 of the ceiling is the most a validator that
// verifies everything on every call can reach, and 0.5 means the parsing and every other
// check together cost one signature. Without the CRL the bound is 1.0 (two signatures). Warm
// passes the same CA and CRL objects, which verifyPath memoises per Uint8Array (the parsed
// CA, the parsed CRL and its signature result), so it verifies two signatures: bound 1.0.
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import {
  BUILTIN_PROFILES, buildCrl, certificateKeyId, compileProfiles, encodeName, issue, parseCertificate, parseNameString, parseSpkiDer, prepare, verifyPath,
} from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { rateSync } from './measure.mjs';

const PROFILES = compileProfiles(BUILTIN_PROFILES);
const NOW = new Date('2030-06-15T12:00:00Z');
const URLS = { crl: ['http://pki.example/crl/issuing.crl'], ocsp: [], caIssuers: [] };

let n = 0x4000;
const serial = () => { const b = Buffer.alloc(16); b.writeUInt32BE(++n, 12); b[0] = 0x40; return b; };

function context(name, cert, signer, urls = URLS) {
  return {
    name, subjectDer: cert.subjectDer, keyId: certificateKeyId(cert), notAfter: cert.notAfter, signatureAlgorithm: signer.algorithm,
    nameConstraints: null, urls, deviceIdUriPrefix: 'device://devices.example.com/',
  };
}

export async function chain(revoked) {
  const keys = () => { const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }); return { ...k, signer: softwareSigner(k.privateKey) }; };
  const root = keys();
  const rootSubject = parseNameString('CN=Bench Root,O=FleetPKI');
  const self = { name: 'self', subjectDer: encodeName(rootSubject), keyId: null, notAfter: null, signatureAlgorithm: root.signer.algorithm, nameConstraints: null, urls: { crl: [], ocsp: [], caIssuers: [] }, deviceIdUriPrefix: '' };
  const req = (k, subject, extra = {}) => ({ publicKey: parseSpkiDer(k.signer.publicKeyDer), subject: parseNameString(subject), subjectAltNames: [], ...extra });
  const rootDer = await issue(prepare(PROFILES.get('root'), self, req(root, 'CN=Bench Root,O=FleetPKI'), { now: NOW, serial: serial() }), root.signer);
  const rootCert = parseCertificate(rootDer);
  const ca = keys();
  const caDer = await issue(prepare(PROFILES.get('issuing-ca'), context('root', rootCert, root.signer, { crl: [], ocsp: [], caIssuers: [] }), req(ca, 'CN=Bench Issuing CA,O=FleetPKI'), { now: NOW, serial: serial() }), root.signer);
  const caCert = parseCertificate(caDer);
  const leaf = keys();
  const leafDer = await issue(prepare(PROFILES.get('device-operational'), context('issuing', caCert, ca.signer), { ...req(leaf, 'CN=device-42'), deviceId: 'device-42' }, { now: NOW, serial: serial() }), ca.signer);
  const entries = Array.from({ length: revoked }, (_, i) => ({ serial: (0x7000000 + i).toString(16), revocationDate: NOW, reason: 'keyCompromise', invalidityDate: null }));
  const crlDer = await buildCrl({
    issuer: { subjectDer: caCert.subjectDer, keyId: certificateKeyId(caCert) }, thisUpdate: new Date(NOW.getTime() - 3600_000), nextUpdate: new Date(NOW.getTime() + 86400_000),
    crlNumber: 1n, entries,
  }, ca.signer);
  return { rootCert, rootKey: root.publicKey, caDer, caCert, caKey: ca.publicKey, leafDer, leafCert: parseCertificate(leafDer), crlDer };
}

export async function measurePath({ ms = 2000, revoked = 100 } = {}) {
  const c = await chain(revoked);
  const input = {
    leaf: c.leafDer, intermediates: [c.caDer], anchors: [{ kind: 'certificate', certificate: c.rootCert }], now: NOW, usage: 'clientAuth',
    revocation: { crls: [c.crlDer], mode: 'require', scope: 'leaf' },
  };
  const first = verifyPath(input);
  if (!first.ok) throw new Error(`the bench chain does not validate: ${first.code} ${first.message}`);
  // The ceiling: the two certificate signatures alone, keys imported once (node:crypto, ECDSA P-256 SHA-256).
  const caKey = createPublicKey({ key: Buffer.from(c.caCert.publicKey.spki), format: 'der', type: 'spki' });
  const rootKey = c.rootKey;
  const twoSignatures = rateSync(() => {
    if (!verify('sha256', c.leafCert.tbs, caKey, c.leafCert.signature)) throw new Error('leaf signature');
    if (!verify('sha256', c.caCert.tbs, rootKey, c.caCert.signature)) throw new Error('CA signature');
  }, ms);
  const check = (r) => { if (!r.ok) throw new Error(`validation failed: ${r.code}`); };
  // Cold: fresh copies of every DER input on each call, so nothing computed for an earlier call can be reused.
  const cold = () => ({ ...input, leaf: Buffer.from(c.leafDer), intermediates: [Buffer.from(c.caDer)], revocation: { ...input.revocation, crls: [Buffer.from(c.crlDer)] } });
  const validations = rateSync(() => check(verifyPath(cold())), ms);
  const withoutCrl = rateSync(() => check(verifyPath({ ...cold(), revocation: undefined })), ms);
  // Warm, as a gateway runs: a new leaf each time, the same intermediate and CRL objects.
  const warm = rateSync(() => check(verifyPath({ ...input, leaf: Buffer.from(c.leafDer) })), ms);
  return { twoSignatures, validations, withoutCrl, warm, signatureChecks: first.signatureChecks, revoked };
}
