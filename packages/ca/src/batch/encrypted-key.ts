/**
 * A station-made key as stored with its device (batch_devices.encrypted_key): the DER
 * says which of the two forms it is. EncryptedPrivateKeyInfo (RFC 5958 3) opens with its
 * encryptionAlgorithm SEQUENCE; a CMS ContentInfo (RFC 5652 3) with its contentType OID.
 */
import type { EncryptedKey } from '../ports/batch-preparer.js';

const SEQUENCE = 0x30;
const OID = 0x06;

/** The tag of the first element inside the outer SEQUENCE (definite length, as DER is). */
function firstInnerTag(der: Uint8Array): number | undefined {
  if (der[0] !== SEQUENCE || der.length < 2) return undefined;
  const first = der[1]!;
  const lengthOctets = first < 0x80 ? 0 : first & 0x7f;
  return der[2 + lengthOctets];
}

export function encryptedKeyOf(der: Uint8Array | null): EncryptedKey | null {
  if (der === null) return null;
  switch (firstInnerTag(der)) {
    case SEQUENCE: return { format: 'pkcs8', der };
    case OID: return { format: 'cms', der };
    default: throw new Error('a stored device key is neither an EncryptedPrivateKeyInfo nor a CMS ContentInfo');
  }
}
