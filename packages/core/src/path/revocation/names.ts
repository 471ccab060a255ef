/**
 * Name and serial comparisons for revocation checking: RFC 5280 7.1 for distinguished
 * names (rdnEqual folds case and whitespace), exact match for the other GeneralNames.
 */
import { children, readRoot, sequenceOf, type Tlv } from '../../der/reader.js';
import { TAG } from '../../der/writer.js';
import type { Certificate } from '../../x509/certificate.js';
import type { GeneralName } from '../../x509/general-name.js';
import { type Name, rdnEqual } from '../../x509/name.js';

export function nameEqual(a: Name, b: Name): boolean {
  return a.length === b.length && a.every((rdn, i) => rdnEqual(rdn, b[i]!));
}

export function generalNameEqual(a: GeneralName, b: GeneralName): boolean {
  if (a.type === 'dn' && b.type === 'dn') return nameEqual(a.value, b.value);
  if (a.type !== b.type) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether any name of `a` equals any name of `b` (6.3.3 (b)(2)(i)). */
export const anyNameMatches = (a: readonly GeneralName[], b: readonly GeneralName[]): boolean =>
  a.some((x) => b.some((y) => generalNameEqual(x, y)));

export const directoryNames = (names: readonly GeneralName[]): Name[] =>
  names.flatMap((g) => (g.type === 'dn' ? [g.value] : []));

/**
 * The certificate's serial in the form parseCrlDetailed keys CRL entries by: magnitude hex
 * (Certificate.serial) for a positive serial, '-' and the two's complement octets for a
 * negative one (which Certificate.serial cannot tell from a positive one).
 */
export function serialKey(cert: Certificate): string {
  const fields = sequenceOf(readRoot(cert.tbs), 'TBSCertificate');
  const serialT: Tlv | undefined = fields[0]?.tag === 0xa0 ? fields[1] : fields[0];
  if (serialT?.tag !== TAG.INTEGER) return cert.serial;
  const first = serialT.buf[serialT.contentStart] as number;
  if ((first & 0x80) === 0) return cert.serial;
  return `-${Buffer.from(serialT.buf.subarray(serialT.contentStart, serialT.end)).toString('hex')}`;
}

export { children };
