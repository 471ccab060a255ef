/**
 *   CertificateSerialNumber ::= INTEGER   (RFC 5280 4.1.2.2)
 * Serials travel through the API, the store, CRLs and OCSP as lower-case hex of the
 * magnitude, the form Certificate.serial has. The writer is on the CRL hot path: it
 * writes the INTEGER straight into the caller's buffer, without an allocation.
 */
import { PkiError } from '../errors.js';
import { content, expectTag, type Tlv } from '../der/reader.js';
import { TAG } from '../der/writer.js';

/** RFC 5280 4.1.2.2: serial numbers are at most 20 octets. */
export const SERIAL_MAX_OCTETS = 20;
/** The largest INTEGER TLV a serial takes: tag, length, sign octet, 20 octets. */
export const SERIAL_MAX_TLV_BYTES = 3 + SERIAL_MAX_OCTETS;

const invalid = (hex: string): PkiError =>
  new PkiError('SERIAL_NUMBER_INVALID', undefined, { detail: { serial: hex.length > 64 ? `${hex.slice(0, 64)}...` : hex } });

function nibble(hex: string, i: number): number {
  const c = hex.charCodeAt(i);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  throw invalid(hex);
}

/**
 * Writes the INTEGER TLV of serial `hex` at `out[p]` and returns the offset after it.
 * Leading zero digits are dropped (DER minimal form, X.690 8.3.2); a sign octet is added
 * when the top bit is set. `out` must have SERIAL_MAX_TLV_BYTES free at `p`.
 */
export function writeSerialNumber(out: Uint8Array, p: number, hex: string): number {
  if (hex.length === 0 || hex.length > 2 * SERIAL_MAX_OCTETS + 8) throw invalid(hex);
  let s = 0;
  while (s < hex.length - 1 && hex.charCodeAt(s) === 0x30) s++;
  const digits = hex.length - s;
  const octets = (digits + 1) >> 1;
  if (octets > SERIAL_MAX_OCTETS) throw invalid(hex);
  const first = digits % 2 === 1 ? nibble(hex, s) : (nibble(hex, s) << 4) | nibble(hex, s + 1);
  const pad = first >= 0x80 ? 1 : 0;
  out[p] = TAG.INTEGER;
  out[p + 1] = octets + pad;
  let q = p + 2;
  if (pad) out[q++] = 0;
  out[q++] = first;
  for (let i = s + (digits % 2 === 1 ? 1 : 2); i < hex.length; i += 2) out[q++] = (nibble(hex, i) << 4) | nibble(hex, i + 1);
  return q;
}

export function encodeSerialNumber(hex: string): Buffer {
  const out = Buffer.allocUnsafe(SERIAL_MAX_TLV_BYTES);
  return Buffer.from(out.subarray(0, writeSerialNumber(out, 0, hex)));
}

/** Reads a serial: a non-negative, minimally encoded INTEGER of at most 20 octets. */
export function readSerialNumber(t: Tlv | undefined, what = 'serialNumber'): string {
  if (!t) throw new PkiError('BAD_DER', `${what}: missing`);
  const c = content(expectTag(t, TAG.INTEGER, what));
  if (c.length === 0) throw new PkiError('BAD_DER', `${what}: empty`);
  if (c.length > 1 && c[0] === 0 && ((c[1] as number) & 0x80) === 0) throw new PkiError('BAD_DER', `${what}: not minimal`);
  if (((c[0] as number) & 0x80) !== 0) throw new PkiError('SERIAL_NUMBER_INVALID', `${what} is negative`);
  const magnitude = c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
  if (magnitude.length > SERIAL_MAX_OCTETS) throw new PkiError('SERIAL_NUMBER_INVALID', `${what} is over ${SERIAL_MAX_OCTETS} octets`);
  return Buffer.from(magnitude.buffer, magnitude.byteOffset, magnitude.length).toString('hex');
}
