/** Roots, leaves and bundles for the trust store tests, made on the spot around NOW. */
import {
  certificateKeyId, encodeName, issue, parseCertificate, parseNameString, parseSpkiDer, prepare,
  type Certificate, type IssuerContext, type Signer,
} from '../src/index.js';
import { NOW, profile, serial, signerFor, type TestKeyType } from './helpers.js';

export interface TestRoot {
  readonly signer: Signer;
  readonly cert: Certificate;
  readonly context: IssuerContext;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** A self-signed root named `cn`, valid 20 years from `issuedAt` (default NOW minus a year). */
export async function makeRoot(cn: string, options: { keyType?: TestKeyType; issuedAt?: Date } = {}): Promise<TestRoot> {
  const signer = signerFor(options.keyType ?? 'p256');
  const subject = parseNameString(`CN=${cn},O=FleetPKI Trust Tests`);
  const self: IssuerContext = {
    name: 'self', subjectDer: encodeName(subject), keyId: null, notAfter: null, signatureAlgorithm: signer.algorithm,
    nameConstraints: null, urls: { crl: [], ocsp: [], caIssuers: [] }, deviceIdUriPrefix: '',
  };
  const now = options.issuedAt ?? new Date(NOW.getTime() - YEAR_MS);
  const der = await issue(prepare(profile('root'), self, { publicKey: parseSpkiDer(signer.publicKeyDer), subject, subjectAltNames: [] }, { now, serial: serial() }), signer);
  const cert = parseCertificate(der);
  const context: IssuerContext = {
    name: cn, subjectDer: cert.subjectDer, keyId: certificateKeyId(cert), notAfter: cert.notAfter, signatureAlgorithm: signer.algorithm,
    nameConstraints: null, urls: { crl: [], ocsp: [], caIssuers: [] }, deviceIdUriPrefix: 'device://devices.example.com/',
  };
  return { signer, cert, context };
}

/** A device-operational leaf issued directly by `root` at NOW. */
export async function makeLeaf(root: TestRoot, deviceId: string): Promise<Certificate> {
  const key = signerFor('p256');
  const p = prepare(profile('device-operational'), root.context, {
    publicKey: parseSpkiDer(key.publicKeyDer), subject: parseNameString(`CN=${deviceId}`), subjectAltNames: [], deviceId,
  }, { now: new Date(NOW.getTime() - 1000), serial: serial() });
  return parseCertificate(await issue(p, root.signer));
}

export const hoursFromNow = (h: number): Date => new Date(NOW.getTime() + h * 3600 * 1000);
