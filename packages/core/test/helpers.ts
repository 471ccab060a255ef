/** Test fixtures for core: keys and signers made on the spot, a fixed instant, CSRs. */
import { generateKeyPairSync, type KeyObject, sign, constants } from 'node:crypto';
import {
  buildCsr, certificateKeyId, compileProfiles, BUILTIN_PROFILES, encodeName, issue, parseCertificate, parseNameString, parseSpkiDer, prepare,
  type GeneralName, type IssuerContext, type Signer, type SignatureAlgorithmName,
} from '../src/index.js';

/** Far from today on purpose: no test depends on the wall clock (webpki's 0x1FEDF00D habit). */
export const NOW = new Date('2030-06-15T12:00:00Z');
export const PROFILES = compileProfiles(BUILTIN_PROFILES);
export const profile = (name: string) => PROFILES.get(name)!;

export type TestKeyType = 'p256' | 'p384' | 'ed25519' | 'rsa2048' | 'rsa1024' | 'p521' | 'secp256k1';

export function keyPair(kind: TestKeyType): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'p256': return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384': return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'p521': return generateKeyPairSync('ec', { namedCurve: 'P-521' });
    case 'secp256k1': return generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    case 'ed25519': return generateKeyPairSync('ed25519');
    case 'rsa2048': return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa1024': return generateKeyPairSync('rsa', { modulusLength: 1024 });
  }
}

const HASH: Record<string, string | null> = {
  'ecdsa-with-SHA256': 'sha256', 'ecdsa-with-SHA384': 'sha384', 'ecdsa-with-SHA512': 'sha512', Ed25519: null,
  sha256WithRSAEncryption: 'sha256', 'RSASSA-PSS-SHA256': 'sha256',
};

/** A Signer that may lie about its algorithm: tests build defective inputs with it. */
export function testSigner(k: { privateKey: KeyObject; publicKey: KeyObject }, algorithm: SignatureAlgorithmName): Signer {
  const key = algorithm.startsWith('RSASSA-PSS') ? { key: k.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : k.privateKey;
  return {
    algorithm,
    publicKeyDer: k.publicKey.export({ format: 'der', type: 'spki' }),
    sign: async (d) => sign(HASH[algorithm] ?? null, d, key),
  };
}

export function signerFor(kind: TestKeyType): Signer {
  const alg: Record<string, SignatureAlgorithmName> = { p256: 'ecdsa-with-SHA256', p384: 'ecdsa-with-SHA384', ed25519: 'Ed25519', rsa2048: 'sha256WithRSAEncryption', rsa1024: 'sha256WithRSAEncryption', p521: 'ecdsa-with-SHA512', secp256k1: 'ecdsa-with-SHA256' };
  return testSigner(keyPair(kind), alg[kind]!);
}

export async function csrFor(kind: TestKeyType | Signer, subject = 'CN=device-1', sans: GeneralName[] = []): Promise<Buffer> {
  const signer = typeof kind === 'string' ? signerFor(kind) : kind;
  return buildCsr({ subject: parseNameString(subject), subjectAltNames: sans }, signer);
}

let serialCounter = 0x1000;
export const serial = (): Uint8Array => { const b = Buffer.alloc(16); b.writeUInt32BE(++serialCounter, 12); b[0] = 0x40; return b; };

export const URLS = { crl: ['http://pki.example/crl/test.crl'], ocsp: ['http://pki.example/ocsp'], caIssuers: ['http://pki.example/ca/test.crt'] };

/** A self-signed P-256 test CA and its issuer context. */
export async function testCa(options: { nameConstraints?: IssuerContext['nameConstraints']; notAfter?: Date } = {}) {
  const signer = signerFor('p256');
  const subject = parseNameString('CN=Test CA,O=FleetPKI Tests');
  const selfCtx: IssuerContext = { name: 'self', subjectDer: encodeName(subject), keyId: null, notAfter: null, signatureAlgorithm: signer.algorithm, nameConstraints: null, urls: { crl: [], ocsp: [], caIssuers: [] }, deviceIdUriPrefix: '' };
  const der = await issue(prepare(profile('root'), selfCtx, { publicKey: parseSpkiDer(signer.publicKeyDer), subject, subjectAltNames: [] }, { now: NOW, serial: serial() }), signer);
  const cert = parseCertificate(der);
  const context: IssuerContext = {
    name: 'test-ca', subjectDer: cert.subjectDer, keyId: certificateKeyId(cert), notAfter: options.notAfter ?? cert.notAfter,
    signatureAlgorithm: signer.algorithm, nameConstraints: options.nameConstraints ?? null, urls: URLS, deviceIdUriPrefix: 'device://devices.example.com/',
  };
  return { signer, der, cert, context };
}
