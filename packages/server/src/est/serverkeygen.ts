/**
 * serverkeygen (RFC 7030 4.4): the server makes the device's key. The client's CSR says
 * what to certify (subject, subjectAltName, and the challengePassword that links it to
 * this TLS connection); we generate a P-256 key, sign a CSR with the same fields by the new
 * key, enroll it, and answer multipart/mixed (RFC 7030 4.4.2): the key part first
 * (unencrypted PKCS#8, `application/pkcs8`: only ever sent inside TLS to an authenticated
 * client), then the certificate part, each with its own Content-Type and
 * Content-Transfer-Encoding (libest ignores a part without CTE). The key is never logged
 * or stored: it lives in this function's variables until the answer is written.
 */
import { generateKeyPairSync } from 'node:crypto';
import { buildCsr, parseAndVerifyCsr } from '@fleetpki/core';
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

function part(contentType: string, der: Uint8Array): string {
  return `--${MULTIPART_BOUNDARY}\r\nContent-Type: ${contentType}\r\nContent-Transfer-Encoding: base64\r\n\r\n${encodeBase64Body(der).toString('latin1')}`;
}

/** The multipart body (RFC 2046 5.1): key part, certificate part, close delimiter. */
export function serverKeygenBody(pkcs8Der: Uint8Array, certsOnlyDer: Uint8Array): Buffer {
  return Buffer.from(`${part(EST_MEDIA.pkcs8, pkcs8Der)}\r\n${part(EST_MEDIA.certsOnly, certsOnlyDer)}\r\n--${MULTIPART_BOUNDARY}--\r\n`, 'latin1');
}

export const SERVERKEYGEN_CONTENT_TYPE = `multipart/mixed; boundary=${MULTIPART_BOUNDARY}`;
