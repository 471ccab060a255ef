/**
 * The OCSP nonce (RFC 6960 4.4.1, RFC 8954 2.1): binds a response to one request.
 *   id-pkix-ocsp-nonce OBJECT IDENTIFIER ::= { id-pkix-ocsp 2 }
 *   Nonce ::= OCTET STRING(SIZE(1..32))
 * The extnValue holds the DER OCTET STRING, as OpenSSL writes it; a responder echoes the
 * same octets.
 */
import { PkiError } from '../errors.js';
import { content, readRoot } from '../der/reader.js';
import { octetString, TAG } from '../der/writer.js';
import { encodeExtension } from '../x509/extensions/extension.js';

export const OID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
/** RFC 8954 2.1: 1 to 32 octets; responders must accept 16 to 32. */
export const NONCE_MAX_OCTETS = 32;

function checkLength(n: number): void {
  if (n < 1 || n > NONCE_MAX_OCTETS) throw new PkiError('OCSP_NONCE_INVALID', undefined, { detail: { octets: n } });
}

export function parseNonce(extnValue: Uint8Array): Uint8Array {
  const t = (() => {
    try {
      return readRoot(extnValue);
    } catch (cause) {
      throw new PkiError('OCSP_NONCE_INVALID', 'the nonce is not a DER OCTET STRING', { cause });
    }
  })();
  if (t.tag !== TAG.OCTET_STRING) throw new PkiError('OCSP_NONCE_INVALID', 'the nonce is not a DER OCTET STRING');
  const nonce = content(t);
  checkLength(nonce.length);
  return nonce;
}

/** The non-critical nonce Extension of a response. */
export function encodeNonceExtension(nonce: Uint8Array): Buffer {
  checkLength(nonce.length);
  return encodeExtension(OID_PKIX_OCSP_NONCE, false, octetString(nonce));
}
