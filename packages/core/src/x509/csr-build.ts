/**
 * Builds a PKCS#10 request (RFC 2986 4), for CA keys the server generates (the issuing CA
 * CSR that the offline root signs) and for tests and tools.
 */
import { implicitConstructed, oid, sequence, setOf, smallInteger } from '../der/writer.js';
import type { Signer } from '../crypto/signer.js';
import { assembleSigned } from '../issue/issue.js';
import { encodeExtension, EXTENSION_OIDS } from './extensions/extension.js';
import { encodeSubjectAltName } from './extensions/subject-alt-name.js';
import { OID_CHALLENGE_PASSWORD, OID_EXTENSION_REQUEST } from './csr.js';
import type { GeneralName } from './general-name.js';
import { encodeName, type Name } from './name.js';
import { utf8String } from '../der/writer.js';

export interface CsrFields {
  readonly subject: Name;
  readonly subjectAltNames?: readonly GeneralName[];
  readonly challengePassword?: string;
}

export async function buildCsr(fields: CsrFields, signer: Signer): Promise<Buffer> {
  const attributes: Buffer[] = [];
  if (fields.subjectAltNames?.length) {
    const exts = sequence(encodeExtension(EXTENSION_OIDS.subjectAltName, false, encodeSubjectAltName(fields.subjectAltNames)));
    attributes.push(sequence(oid(OID_EXTENSION_REQUEST), setOf(exts)));
  }
  if (fields.challengePassword !== undefined) {
    attributes.push(sequence(oid(OID_CHALLENGE_PASSWORD), setOf(utf8String(fields.challengePassword))));
  }
  const info = sequence(smallInteger(0), encodeName(fields.subject), signer.publicKeyDer, implicitConstructed(0, ...attributes));
  return assembleSigned(info, signer.algorithm, await signer.sign(info));
}


