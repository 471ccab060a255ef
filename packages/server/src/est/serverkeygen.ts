/**
 * serverkeygen (RFC 7030 4.4): the server makes the device's key. The client's CSR says
 * what to certify (subject, subjectAltName, and the challengePassword that links it to
 * this TLS connection); we generate a P-256 key, sign a CSR with the same fields by the new
 * key, enroll it, and answer multipart/mixed (RFC 7030 4.4.2): the key part first, then
 * the certificate part, each with its own Content-Type and Content-Transfer-Encoding
 * (libest ignores a part without CTE). The key part is what the use case decided
 * (EnrollResult.keyEncryption): CMS EnvelopedData for the device's one-time secret or
 * client certificate (`application/pkcs7-mime; smime-type=server-generated-key`), or the
 * PKCS#8 inside TLS only (`application/pkcs8`). The key is never logged or stored: it
 * lives in this function's variables until the answer is written.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { EnrollmentAuth, KeyEncryption } from '@fleetpki/ca';
import { asymmetricKeyPackage, buildCsr, encodeEnvelopedData, OID_ASYMMETRIC_KEY_PACKAGE, parseAndVerifyCsr, type KeyRecipient } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { EST_MEDIA, MULTIPART_BOUNDARY } from './response.js';
import { encodeBase64Body } from './media.js';

export interface GeneratedRequest {
  readonly csrDer: Uint8Array;
  readonly pkcs8Der: Buffer;
}

/** The CSR to enroll for a server-generated key, from the client's CSR (verified first: it must be a well-formed request). */
export async function serverGeneratedRequest(clientCsrDer: Uint8Array): Promise<GeneratedRequest> {
  const csr = await parseAndVerifyCsr(clientCsrDer);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csrDer = await buildCsr({
    subject: csr.subject, subjectAltNames: csr.subjectAltNames,
    ...(csr.challengePassword !== null ? { challengePassword: csr.challengePassword } : {}),
  }, softwareSigner(privateKey));
  return { csrDer, pkcs8Der: privateKey.export({ type: 'pkcs8', format: 'der' }) };
}

/**
 * PBKDF2 iterations for a PasswordRecipientInfo. The password is a 256-bit random one-time
 * secret, so stretching adds no strength; this is RFC 8018 4.2's floor with room, cheap for a
 * device to repeat.
 */
export const PWRI_ITERATIONS = 10_000;

export interface KeyPart { readonly contentType: string; readonly der: Uint8Array }

function recipientOf(encryption: Exclude<KeyEncryption, 'none'>, auth: EnrollmentAuth): KeyRecipient {
  if (encryption === 'password' && auth.kind === 'secret') return { kind: 'password', password: Buffer.from(auth.secret, 'utf8'), iterations: PWRI_ITERATIONS };
  if (encryption === 'certificate' && auth.kind === 'certificate' && auth.chain[0]) return { kind: 'certificate', certificateDer: auth.chain[0] };
  throw new Error(`serverkeygen: key encryption ${encryption} does not fit ${auth.kind} authentication`);
}

/** RFC 7030 4.4.2: the private key part, encrypted for the device's credential unless the use case said 'none'. */
export function keyPart(pkcs8Der: Uint8Array, encryption: KeyEncryption | undefined, auth: EnrollmentAuth): KeyPart {
  if (encryption === undefined || encryption === 'none') return { contentType: EST_MEDIA.pkcs8, der: pkcs8Der };
  const der = encodeEnvelopedData({ contentType: OID_ASYMMETRIC_KEY_PACKAGE, content: asymmetricKeyPackage(pkcs8Der), recipient: recipientOf(encryption, auth), random: randomBytes });
  return { contentType: EST_MEDIA.serverGeneratedKey, der };
}

function part(contentType: string, der: Uint8Array): string {
  return `--${MULTIPART_BOUNDARY}\r\nContent-Type: ${contentType}\r\nContent-Transfer-Encoding: base64\r\n\r\n${encodeBase64Body(der).toString('latin1')}`;
}

/** The multipart body (RFC 2046 5.1): key part, certificate part, close delimiter. */
export function serverKeygenBody(key: KeyPart, certsOnlyDer: Uint8Array): Buffer {
  return Buffer.from(`${part(key.contentType, key.der)}\r\n${part(EST_MEDIA.certsOnly, certsOnlyDer)}\r\n--${MULTIPART_BOUNDARY}--\r\n`, 'latin1');
}

export const SERVERKEYGEN_CONTENT_TYPE = `multipart/mixed; boundary=${MULTIPART_BOUNDARY}`;
