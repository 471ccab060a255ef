/**
 * The revokedCertificates list read for lookups (RFC 5280 5.1.2.6). A relying party asks
 * about one or two serials per path, so the list is not materialised. One pass reads the
 * outline of every entry: a SEQUENCE of an INTEGER, a Time and optional Extensions, each
 * extension's OID, criticality and OCTET STRING (5.3: a CRL with a critical entry extension
 * we cannot process MUST NOT be used, whichever entry carries it). The values (serial form,
 * dates, reason codes, certificateIssuer) are parsed in full only for an entry whose serial
 * is asked for, by the caller's parser, with the same errors as a full parse.
 *   revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber,
 *     revocationDate Time, crlEntryExtensions Extensions OPTIONAL }
 */
import { PkiError } from '../errors.js';
import { readOid, readTlv, type Tlv } from '../der/reader.js';
import { TAG } from '../der/writer.js';

export interface RevokedList<E> {
  readonly count: number;
  readonly anyExtensions: boolean;
  /** The entries whose serial has this key ('hex' of the magnitude, or '-' and the octets of a negative one), parsed in full. */
  find(key: string): E[];
  /** Every entry, parsed in full and in order (an indirect CRL's certificateIssuer carries over, 5.3.3). */
  all(): E[];
}

const bad = (why: string): PkiError => new PkiError('BAD_DER', `malformed DER: revokedCertificates: ${why}`);
const isTime = (t: Tlv): boolean => t.tag === TAG.UTC_TIME || t.tag === TAG.GENERALIZED_TIME;

function expect(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw bad(`${what} has tag 0x${t.tag.toString(16)}`);
  return t;
}

/** One Extension's outline; returns its OID when it is critical and not `known`. */
function extensionOutline(buf: Uint8Array, e: Tlv, known: ReadonlySet<string>): string | null {
  expect(e, TAG.SEQUENCE, 'Extension');
  const oidT = expect(readTlv(buf, e.contentStart, e.end), TAG.OID, 'extnID');
  let v = readTlv(buf, oidT.end, e.end);
  let critical = false;
  if (v.tag === TAG.BOOLEAN) {
    if (v.end - v.contentStart !== 1) throw bad('bad critical flag');
    critical = buf[v.contentStart] !== 0;
    v = readTlv(buf, v.end, e.end);
  }
  if (expect(v, TAG.OCTET_STRING, 'extnValue').end !== e.end) throw bad('Extension has trailing fields');
  if (!critical) return null;
  const oid = readOid(oidT);
  return known.has(oid) ? null : oid;
}

/** Where each entry and its serial's contents are, recorded by the outline pass so lookups re-read nothing. */
interface Offsets { readonly entry: number[]; readonly serialStart: number[]; readonly serialEnd: number[] }

/** Whether the entry has extensions; adds unknown critical ones to `unsupported`. */
function entryOutline(buf: Uint8Array, e: Tlv, known: ReadonlySet<string>, unsupported: string[], at: Offsets): boolean {
  expect(e, TAG.SEQUENCE, 'entry');
  const serial = expect(readTlv(buf, e.contentStart, e.end), TAG.INTEGER, 'userCertificate');
  at.entry.push(e.start);
  at.serialStart.push(serial.contentStart);
  at.serialEnd.push(serial.end);
  const date = readTlv(buf, serial.end, e.end);
  if (!isTime(date)) throw bad('revocationDate must be a Time');
  if (date.end === e.end) return false;
  const exts = expect(readTlv(buf, date.end, e.end), TAG.SEQUENCE, 'crlEntryExtensions');
  if (exts.end !== e.end) throw bad('entry has trailing fields');
  for (let p = exts.contentStart; p < exts.end;) {
    const x = readTlv(buf, p, exts.end);
    const oid = extensionOutline(buf, x, known);
    if (oid && !unsupported.includes(oid)) unsupported.push(oid);
    p = x.end;
  }
  return true;
}

/** The serial as find() compares it: a positive INTEGER without its sign octet, a negative one whole. */
interface SerialKey { readonly negative: boolean; readonly octets: Uint8Array }

function serialAt(buf: Uint8Array, start: number, end: number): SerialKey {
  const negative = end > start && ((buf[start] as number) & 0x80) !== 0;
  const skip = !negative && end - start > 1 && buf[start] === 0 ? 1 : 0;
  return { negative, octets: buf.subarray(start + skip, end) };
}

function wanted(key: string): SerialKey {
  const negative = key.startsWith('-');
  return { negative, octets: Buffer.from(negative ? key.slice(1) : key, 'hex') };
}

/** Whether buf[start, end) holds the serial `k`, without allocating (the scan's inner loop). */
function holds(buf: Uint8Array, start: number, end: number, k: SerialKey): boolean {
  const negative = end > start && ((buf[start] as number) & 0x80) !== 0;
  if (negative !== k.negative) return false;
  if (!negative && end - start > 1 && buf[start] === 0) start++;
  const o = k.octets;
  if (end - start !== o.length) return false;
  for (let i = 0; i < o.length; i++) if (buf[start + i] !== o[i]) return false;
  return true;
}

/** A Map key; the sign prefix keeps a positive serial from colliding with a negative one. */
const mapKey = (k: SerialKey): string =>
  (k.negative ? '-' : '+') + Buffer.from(k.octets.buffer, k.octets.byteOffset, k.octets.length).toString('latin1');

/**
 * Reads the outline of `list` (at most `maxEntries` entries). `parse` turns one entry TLV
 * into the caller's entry. `known`: the entry extensions the caller processes.
 */
export function readRevokedList<E>(list: Tlv, maxEntries: number, known: ReadonlySet<string>, unsupported: string[], parse: (t: Tlv) => E): RevokedList<E> {
  expect(list, TAG.SEQUENCE, 'list');
  const { buf } = list;
  const at: Offsets = { entry: [], serialStart: [], serialEnd: [] };
  let anyExtensions = false;
  for (let p = list.contentStart; p < list.end;) {
    if (at.entry.length >= maxEntries) throw new PkiError('INPUT_TOO_LARGE', `CRL has over ${maxEntries} entries`);
    const e = readTlv(buf, p, list.end);
    anyExtensions = entryOutline(buf, e, known, unsupported, at) || anyExtensions;
    p = e.end;
  }
  const count = at.entry.length;
  const entryAt = (i: number): Tlv => readTlv(buf, at.entry[i] as number, list.end);
  let lookups = 0;
  let index: Map<string, number[]> | null = null;
  /** Built on the second lookup: a CRL reused across validations pays one pass, then O(1). */
  const buildIndex = (): Map<string, number[]> => {
    const m = new Map<string, number[]>();
    for (let i = 0; i < count; i++) {
      const key = mapKey(serialAt(buf, at.serialStart[i] as number, at.serialEnd[i] as number));
      const list = m.get(key);
      if (list) list.push(i); else m.set(key, [i]);
    }
    return m;
  };
  const scan = (want: SerialKey): number[] => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) if (holds(buf, at.serialStart[i] as number, at.serialEnd[i] as number, want)) out.push(i);
    return out;
  };
  return {
    count, anyExtensions,
    find(key) {
      const want = wanted(key);
      const found = ++lookups > 1 ? (index ??= buildIndex()).get(mapKey(want)) ?? [] : scan(want);
      return found.map((i) => parse(entryAt(i)));
    },
    all() {
      const out: E[] = [];
      for (let i = 0; i < count; i++) out.push(parse(entryAt(i)));
      return out;
    },
  };
}
