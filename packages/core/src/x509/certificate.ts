/**
 * X.509 certificates (RFC 5280 4.1), parsed defensively into the fields the CA and the
 * validator use.
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
 *                              signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber CertificateSerialNumber,
 *     signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *     subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
 *     subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
 */
import { createHash } from 'node:crypto';
import { PkiError } from '../errors.js';
import { checkDepth, children, content, readBitString, readRoot, readSmallInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { parseSignatureAlgorithm, type ParsedVerificationAlgorithm } from '../crypto/algorithm-identifier.js';
import type { AlgorithmPolicy } from '../crypto/legacy-algorithms.js';
import { type CertificatePublicKey, keyIdentifier, parsePublicKeyInfo } from '../crypto/public-key.js';
import { parseTime } from './time.js';
import { type BasicConstraints, parseBasicConstraints } from './extensions/basic-constraints.js';
import { type Extension, EXTENSION_OIDS, parseExtensions } from './extensions/extension.js';
import { type KeyUsageName, parseKeyUsage } from './extensions/key-usage.js';
import { parseExtKeyUsage } from './extensions/ext-key-usage.js';
import { parseAuthorityKeyIdentifier, parseSubjectKeyIdentifier } from './extensions/key-identifiers.js';
import { type NameConstraints, parseNameConstraints } from './extensions/name-constraints.js';
import { parseSubjectAltName } from './extensions/subject-alt-name.js';
import type { GeneralName } from './general-name.js';
import { formatName, type Name, parseNameTlv } from './name.js';

export const CERTIFICATE_MAX_BYTES = 64 * 1024;

export interface Certificate {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  /** Lower-case hex of the serial's magnitude. */
  readonly serial: string;
  readonly issuer: Name;
  readonly issuerDer: Uint8Array;
  readonly subject: Name;
  readonly subjectDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A DSA key only when parsed with `algorithms: 'legacy'`. */
  readonly publicKey: CertificatePublicKey;
  readonly extensions: readonly Extension[];
  readonly basicConstraints: BasicConstraints | null;
  readonly keyUsage: readonly KeyUsageName[] | null;
  readonly extKeyUsage: readonly string[] | null;
  readonly subjectKeyIdentifier: Uint8Array | null;
  readonly authorityKeyIdentifier: Uint8Array | null;
  readonly subjectAltNames: readonly GeneralName[];
  readonly nameConstraints: NameConstraints | null;
  /** A legacy (SHA-1, DSA) algorithm only when parsed with `algorithms: 'legacy'`. */
  readonly signatureAlgorithm: ParsedVerificationAlgorithm;
  readonly signature: Uint8Array;
  /** The INTEGER contents of serialNumber, sign octet included (RFC 5280 4.1.2.2: must be positive). */
  readonly serialDer: Uint8Array;
  /** AlgorithmIdentifier DER inside tbsCertificate; RFC 5280 4.1.1.2 wants it equal to the outer one. */
  readonly tbsSignatureAlgorithmDer: Uint8Array;
  readonly signatureAlgorithmDer: Uint8Array;
  /** issuerUniqueID / subjectUniqueID bits (RFC 5280 4.1.2.8; v2 and v3 only), null when absent. */
  readonly issuerUniqueId: Uint8Array | null;
  readonly subjectUniqueId: Uint8Array | null;
}

function serialHex(t: Tlv | undefined): string {
  if (!t || t.tag !== TAG.INTEGER) throw new PkiError('BAD_DER', 'serialNumber must be an INTEGER');
  const c = content(t);
  // RFC 5280 4.1.2.2: at most 20 octets. Tolerate one sign octet beyond that.
  if (c.length === 0 || c.length > 21) throw new PkiError('CERTIFICATE_INVALID', 'serialNumber length out of range');
  return Buffer.from(c[0] === 0 && c.length > 1 ? c.subarray(1) : c).toString('hex');
}

function uniqueId(fields: Tlv[], tag: number): Uint8Array | null {
  const t = fields.find((f) => f.tag === tag);
  if (!t) return null;
  //   UniqueIdentifier ::= BIT STRING, tagged IMPLICIT: primitive [1] / [2].
  const c = content(t);
  if (c.length === 0 || (c[0] as number) > 7) throw new PkiError('BAD_DER', 'bad UniqueIdentifier');
  return c.subarray(1);
}

function extensionValue(exts: readonly Extension[], name: keyof typeof EXTENSION_OIDS): Uint8Array | null {
  return exts.find((e) => e.oid === EXTENSION_OIDS[name])?.value ?? null;
}

function readExtensions(fields: Tlv[]): Extension[] {
  const extT = fields.find((f) => f.tag === 0xa3);
  if (!extT) return [];
  const [inner, extra] = children(extT);
  if (!inner || extra) throw new PkiError('BAD_DER', 'extensions [3] must hold one SEQUENCE');
  return parseExtensions(inner);
}

export interface CertificateParseOptions {
  /**
   * 'default' (what the CA and its callers get): SHA-1 and MD5 signatures are WEAK_ALGORITHM,
   * DSA keys UNSUPPORTED_KEY. 'legacy': SHA-1 signatures and DSA keys are read, for the path
   * validator's opt-in (VerifyPathInput.algorithms); MD5 stays refused.
   */
  readonly algorithms?: AlgorithmPolicy;
}

export function parseCertificate(der: Uint8Array, options: CertificateParseOptions = {}): Certificate {
  const legacy = { legacy: options.algorithms === 'legacy' };
  if (der.length > CERTIFICATE_MAX_BYTES) throw new PkiError('INPUT_TOO_LARGE', `certificate over ${CERTIFICATE_MAX_BYTES} bytes`);
  const root = readRoot(der);
  checkDepth(root);
  const [tbsT, algT, sigT] = sequenceOf(root, 'Certificate', 3, 3);
  const fields = sequenceOf(tbsT, 'TBSCertificate', 6, 10);
  const hasVersion = fields[0]!.tag === 0xa0;
  const version = hasVersion ? readSmallInteger(children(fields[0]!)[0], 'version') + 1 : 1;
  const [serialT, tbsAlgT, issuerT, validityT, subjectT, spkiT] = fields.slice(hasVersion ? 1 : 0);
  const [nb, na] = sequenceOf(validityT, 'Validity', 2, 2);
  const extensions = readExtensions(fields);
  const get = (n: keyof typeof EXTENSION_OIDS) => extensionValue(extensions, n);
  const [bc, ku, eku, ski, aki, san, nc] = [get('basicConstraints'), get('keyUsage'), get('extKeyUsage'),
    get('subjectKeyIdentifier'), get('authorityKeyIdentifier'), get('subjectAltName'), get('nameConstraints')];
  const signature = readBitString(sigT, 'signatureValue');
  return Object.freeze({
    der, tbs: whole(tbsT!), version, serial: serialHex(serialT),
    issuer: parseNameTlv(issuerT!), issuerDer: whole(issuerT!),
    subject: parseNameTlv(subjectT!), subjectDer: whole(subjectT!),
    notBefore: parseTime(nb!), notAfter: parseTime(na!),
    publicKey: parsePublicKeyInfo(spkiT!, legacy),
    extensions,
    basicConstraints: bc ? parseBasicConstraints(bc) : null,
    keyUsage: ku ? parseKeyUsage(ku) : null,
    extKeyUsage: eku ? parseExtKeyUsage(eku) : null,
    subjectKeyIdentifier: ski ? parseSubjectKeyIdentifier(ski) : null,
    authorityKeyIdentifier: aki ? parseAuthorityKeyIdentifier(aki) : null,
    subjectAltNames: san ? parseSubjectAltName(san) : [],
    nameConstraints: nc ? parseNameConstraints(nc) : null,
    signatureAlgorithm: parseSignatureAlgorithm(algT, legacy),
    signature: signature.bytes,
    serialDer: content(serialT!),
    tbsSignatureAlgorithmDer: whole(tbsAlgT!), signatureAlgorithmDer: whole(algT!),
    issuerUniqueId: uniqueId(fields, 0x81), subjectUniqueId: uniqueId(fields, 0x82),
  });
}

export const certificateSha256 = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');
export const subjectString = (c: Certificate): string => formatName(c.subject);
/** The key identifier a certificate's issuer uses: its SKI, or the one we would compute. */
export const certificateKeyId = (c: Certificate): Uint8Array => c.subjectKeyIdentifier ?? keyIdentifier(c.publicKey);
