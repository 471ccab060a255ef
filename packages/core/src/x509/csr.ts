/**
 * PKCS#10 certification requests (RFC 2986), parsed defensively and verified.
 *   CertificationRequest ::= SEQUENCE { certificationRequestInfo CertificationRequestInfo,
 *     signatureAlgorithm AlgorithmIdentifier, signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE { version INTEGER { v1(0) }, subject Name,
 *     subjectPKInfo SubjectPublicKeyInfo, attributes [0] Attributes }
 *   Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET SIZE(1..MAX) OF ANY }
 */
import { PkiError } from '../errors.js';
import { checkDepth, children, content, readBitString, readOid, readRoot, readSmallInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { parseSignatureAlgorithm, type ParsedSignatureAlgorithm } from '../crypto/algorithm-identifier.js';
import { importPublicKey, parsePublicKeyInfo, type PublicKeyInfo } from '../crypto/public-key.js';
import { verifySignature } from '../crypto/verify.js';
import { type Extension, EXTENSION_OIDS, parseExtensions } from './extensions/extension.js';
import { parseSubjectAltName } from './extensions/subject-alt-name.js';
import type { GeneralName } from './general-name.js';
import { type Name, parseNameTlv } from './name.js';

export const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
export const OID_CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
/** A device CSR is a few hundred bytes; RSA-8192 with many SANs stays far below this. */
export const CSR_MAX_BYTES = 64 * 1024;

export interface Csr {
  readonly der: Uint8Array;
  readonly subject: Name;
  readonly publicKey: PublicKeyInfo;
  readonly extensionRequest: readonly Extension[];
  readonly subjectAltNames: readonly GeneralName[];
  readonly challengePassword: string | null;
  readonly signatureAlgorithm: ParsedSignatureAlgorithm;
  /** CertificationRequestInfo DER: what the signature covers. */
  readonly info: Uint8Array;
  readonly signature: Uint8Array;
}

function parseAttributes(t: Tlv | undefined): { exts: Extension[]; challengePassword: string | null } {
  const out = { exts: [] as Extension[], challengePassword: null as string | null };
  if (!t) return out;
  if (t.tag !== 0xa0) throw new PkiError('BAD_DER', 'CSR attributes must be [0]');
  for (const attr of children(t)) {
    const [typeT, valuesT] = sequenceOf(attr, 'Attribute', 2, 2);
    const type = readOid(typeT);
    if (valuesT!.tag !== TAG.SET) throw new PkiError('BAD_DER', 'Attribute values must be a SET');
    const [value, ...more] = children(valuesT!);
    if (!value || more.length) throw new PkiError('CSR_INVALID', `attribute ${type} must have exactly one value`);
    if (type === OID_EXTENSION_REQUEST) out.exts = parseExtensions(value);
    else if (type === OID_CHALLENGE_PASSWORD) out.challengePassword = Buffer.from(content(value)).toString('utf8');
  }
  return out;
}

/** Parses a DER CSR; BAD_DER, INPUT_TOO_LARGE, UNSUPPORTED_* and WEAK_* on bad input. */
export function parseCsr(der: Uint8Array): Csr {
  if (der.length > CSR_MAX_BYTES) throw new PkiError('INPUT_TOO_LARGE', `CSR over ${CSR_MAX_BYTES} bytes`);
  const root = readRoot(der);
  checkDepth(root);
  const [infoT, algT, sigT] = sequenceOf(root, 'CertificationRequest', 3, 3);
  const [versionT, subjectT, spkiT, attrsT] = sequenceOf(infoT, 'CertificationRequestInfo', 3, 4);
  if (readSmallInteger(versionT, 'version') !== 0) throw new PkiError('CSR_INVALID', 'CSR version must be v1 (0)');
  const { exts, challengePassword } = parseAttributes(attrsT);
  const san = exts.find((e) => e.oid === EXTENSION_OIDS.subjectAltName);
  const signature = readBitString(sigT, 'signature');
  if (signature.unusedBits !== 0) throw new PkiError('BAD_DER', 'signature has unused bits');
  return Object.freeze({
    der,
    subject: parseNameTlv(subjectT!),
    publicKey: parsePublicKeyInfo(spkiT!),
    extensionRequest: exts,
    subjectAltNames: san ? parseSubjectAltName(san.value) : [],
    challengePassword,
    signatureAlgorithm: parseSignatureAlgorithm(algT),
    info: whole(infoT!),
    signature: signature.bytes,
  });
}

/** Proof of possession (RFC 2986 3): the request is signed by the key it carries. */
export async function verifyCsr(csr: Csr): Promise<void> {
  const { algorithm, pss } = csr.signatureAlgorithm;
  const keyAlg = csr.publicKey.keyType.startsWith('ecdsa') ? 'ec' : csr.publicKey.keyType;
  if (algorithm.keyAlgorithm !== keyAlg) {
    throw new PkiError('CSR_SIGNATURE_INVALID', `${algorithm.name} does not match a ${csr.publicKey.keyType} key`);
  }
  if (!verifySignature(algorithm, await importPublicKey(csr.publicKey), csr.info, csr.signature, pss)) {
    throw new PkiError('CSR_SIGNATURE_INVALID');
  }
}

export async function parseAndVerifyCsr(der: Uint8Array): Promise<Csr> {
  const csr = parseCsr(der);
  await verifyCsr(csr);
  return csr;
}
