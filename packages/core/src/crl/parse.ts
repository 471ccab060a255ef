/**
 * A defensive CRL parser (RFC 5280 section 5): size and entry-count limits, bounded depth,
 * strict DER, and a refusal of any critical extension it does not process (5.2, 5.3:
 * "If a CRL contains a critical extension that the application cannot process, then the
 * application MUST NOT use that CRL to determine the status of certificates").
 *   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
 *                                  signatureValue BIT STRING }
 *   TBSCertList ::= SEQUENCE { version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name,
 *     thisUpdate Time, nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF SEQUENCE {
 *       userCertificate CertificateSerialNumber, revocationDate Time, crlEntryExtensions Extensions OPTIONAL
 *     } OPTIONAL, crlExtensions [0] EXPLICIT Extensions OPTIONAL }
 */
import { PkiError } from '../errors.js';
import { parseSignatureAlgorithm, type ParsedSignatureAlgorithm, type ParsedVerificationAlgorithm } from '../crypto/algorithm-identifier.js';
import { checkDepth, children, content, expectTag, readBitString, readOid, readRoot, readSmallInteger, readTlv, readUnsignedInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { type Extension, parseExtensions } from '../x509/extensions/extension.js';
import { type GeneralName, parseGeneralNames } from '../x509/general-name.js';
import { parseAuthorityKeyIdentifier } from '../x509/extensions/key-identifiers.js';
import { readSerialNumber } from '../x509/serial.js';
import { parseTime } from '../x509/time.js';
import { type CrlScope, parseCrlScope } from './distribution-points.js';
import type { CrlEntry } from './entries.js';
import { readRevokedList, type RevokedList } from './revoked-list.js';
import {
  CRL_ENTRY_EXTENSION_OIDS, CRL_EXTENSION_OIDS, type IssuingDistributionPoint, parseCrlNumber, parseFreshestCrl,
  parseInvalidityDate, parseIssuingDistributionPoint, parseReasonCode,
} from './extensions.js';

/** Sized for issue 3's million-entry CRLs with room to spare; a constrained device passes less. */
export const CRL_LIMITS = { maxBytes: 64 * 1024 * 1024, maxEntries: 2_000_000 } as const;

export interface Crl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly issuerDer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly crlNumber: bigint | null;
  /** Set on a delta CRL: the cRLNumber of its base (5.2.4). */
  readonly baseCrlNumber: bigint | null;
  readonly issuingDistributionPoint: IssuingDistributionPoint | null;
  readonly freshestCrl: string | null;
  readonly authorityKeyIdentifier: Uint8Array | null;
  /** An explicit `unspecified` reasonCode reads as 'unspecified'; no reasonCode as null. */
  readonly entries: readonly CrlEntry[];
  readonly extensions: readonly Extension[];
  readonly signatureAlgorithm: ParsedSignatureAlgorithm;
  readonly signature: Uint8Array;
}

export interface CrlParseOptions {
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

/** A CRL entry as a relying party reads it, with the certificate issuer of an indirect CRL (5.3.3). */
export interface DetailedCrlEntry extends CrlEntry {
  /** The entry's certificateIssuer extension, or null when the entry has none (it inherits, 5.3.3). */
  readonly certificateIssuer: readonly GeneralName[] | null;
}

/**
 * Every field of a CRL, for revocation checking (RFC 5280 6.3.3). Nothing is refused for
 * being unsupported: unknown critical extensions are listed, and a signature algorithm we
 * do not verify is null, so the caller decides the CRL cannot be used.
 */
export interface DetailedCrl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly issuerDer: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly crlNumber: bigint | null;
  readonly baseCrlNumber: bigint | null;
  readonly scope: CrlScope | null;
  /** The IssuingDistributionPoint DER, to compare a delta's scope with its base's (5.2.4). */
  readonly scopeDer: Uint8Array | null;
  readonly authorityKeyIdentifier: Uint8Array | null;
  readonly entries: readonly DetailedCrlEntry[];
  readonly extensions: readonly Extension[];
  readonly signatureAlgorithm: ParsedSignatureAlgorithm | null;
  readonly signatureAlgorithmOid: string;
  readonly signature: Uint8Array;
  /** OIDs of critical CRL and CRL entry extensions that are not processed (5.2, 5.3: the CRL MUST NOT be used). */
  readonly unsupportedCriticalExtensions: readonly string[];
}

const KNOWN_CRL_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(CRL_EXTENSION_OIDS));
const ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([CRL_ENTRY_EXTENSION_OIDS.reasonCode, CRL_ENTRY_EXTENSION_OIDS.invalidityDate]);
const DETAILED_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([...ENTRY_EXTENSIONS, CRL_ENTRY_EXTENSION_OIDS.certificateIssuer]);
const isTime = (t: Tlv | undefined): t is Tlv => t?.tag === TAG.UTC_TIME || t?.tag === TAG.GENERALIZED_TIME;

/**
 * How strictly one parse reads: `unsupported` is null for parseCrl (refuse), a list to fill
 * for a relying party; `lookup` leaves the entries to a RevokedList and reads legacy
 * signature algorithms too (the validator applies its algorithm policy when it uses them).
 */
interface Mode { readonly unsupported: string[] | null; readonly lookup?: boolean }

function checkCritical(exts: readonly Extension[], known: ReadonlySet<string>, where: string, mode: Mode): void {
  for (const e of exts) {
    if (!e.critical || known.has(e.oid)) continue;
    if (!mode.unsupported) throw new PkiError('CRL_UNSUPPORTED_CRITICAL_EXTENSION', `${where} extension ${e.oid} is critical and not supported`, { detail: { oid: e.oid } });
    if (!mode.unsupported.includes(e.oid)) mode.unsupported.push(e.oid);
  }
}

/** Extensions; a relying party tolerates an empty SEQUENCE (seen in the wild, webpki accepts it). */
function readExtensions(t: Tlv, mode: Mode): Extension[] {
  return mode.unsupported && t.tag === TAG.SEQUENCE && t.end === t.contentStart ? [] : parseExtensions(t);
}

/**
 * A serial as Certificate.serial writes it. parseCrl refuses negative serials (5.1.2.2 wants
 * positive ones); a relying party keys them by '-' and the two's complement octets, so
 * they match only the same negative serial (PKITS 4.4.15).
 */
function readEntrySerial(t: Tlv, mode: Mode): string {
  const c = t.tag === TAG.INTEGER ? content(t) : null;
  if (mode.unsupported && c && c.length > 1 && ((c[0] as number) & 0x80) !== 0) {
    if (c[0] === 0xff && ((c[1] as number) & 0x80) !== 0) throw new PkiError('BAD_DER', 'userCertificate: not minimal');
    return `-${Buffer.from(c).toString('hex')}`;
  }
  if (mode.unsupported && c?.length === 1 && ((c[0] as number) & 0x80) !== 0) return `-${Buffer.from(c).toString('hex')}`;
  return readSerialNumber(t, 'userCertificate');
}

/** 5.3: reasonCode, invalidityDate and (for relying parties) certificateIssuer are read. */
function parseEntry(t: Tlv, mode: Mode): DetailedCrlEntry & { hasExtensions: boolean } {
  const [serialT, dateT, extsT] = sequenceOf(t, 'revokedCertificate', 2, 3);
  if (!isTime(dateT)) throw new PkiError('BAD_DER', 'revocationDate must be a Time');
  let reason: CrlEntry['reason'] = null;
  let invalidityDate: Date | null = null;
  let certificateIssuer: GeneralName[] | null = null;
  if (extsT) {
    const exts = readExtensions(extsT, mode);
    checkCritical(exts, mode.unsupported ? DETAILED_ENTRY_EXTENSIONS : ENTRY_EXTENSIONS, 'CRL entry', mode);
    for (const e of exts) {
      if (e.oid === CRL_ENTRY_EXTENSION_OIDS.reasonCode) reason = parseReasonCode(e.value);
      else if (e.oid === CRL_ENTRY_EXTENSION_OIDS.invalidityDate) invalidityDate = parseInvalidityDate(e.value);
      else if (e.oid === CRL_ENTRY_EXTENSION_OIDS.certificateIssuer && mode.unsupported) certificateIssuer = parseGeneralNames(readRoot(e.value));
    }
  }
  const entry = { serial: readEntrySerial(serialT!, mode), revocationDate: parseTime(dateT), reason, invalidityDate };
  return mode.unsupported ? { ...entry, certificateIssuer, hasExtensions: extsT !== undefined } : { ...entry, hasExtensions: extsT !== undefined } as DetailedCrlEntry & { hasExtensions: boolean };
}

/** Walks the list one entry at a time, so the count limit holds before the memory is spent. */
function parseEntries(list: Tlv, maxEntries: number, mode: Mode): { entries: DetailedCrlEntry[]; anyExtensions: boolean } {
  expectTag(list, TAG.SEQUENCE, 'revokedCertificates');
  const entries: DetailedCrlEntry[] = [];
  let anyExtensions = false;
  for (let p = list.contentStart; p < list.end;) {
    if (entries.length >= maxEntries) throw new PkiError('INPUT_TOO_LARGE', `CRL has over ${maxEntries} entries`);
    const t = readTlv(list.buf, p, list.end);
    const { hasExtensions, ...entry } = parseEntry(t, mode);
    anyExtensions ||= hasExtensions;
    entries.push(entry);
    p = t.end;
  }
  return { entries, anyExtensions };
}

/** TBSCertList fields by position: the optional ones are told apart by their tags. */
function splitTbs(tbs: Tlv) {
  const f = sequenceOf(tbs, 'TBSCertList', 3, 7);
  let i = 0;
  const versionT = f[i]?.tag === TAG.INTEGER ? f[i++] : undefined;
  const [algT, issuerT, thisT] = [f[i++], f[i++], f[i++]];
  const nextT = isTime(f[i]) ? f[i++] : undefined;
  const listT = f[i]?.tag === TAG.SEQUENCE ? f[i++] : undefined;
  const extsT = f[i]?.tag === 0xa0 ? f[i++] : undefined;
  if (i !== f.length || !isTime(thisT)) throw new PkiError('BAD_DER', 'TBSCertList fields out of order');
  expectTag(issuerT!, TAG.SEQUENCE, 'issuer');
  return { versionT, algT: algT!, issuerT: issuerT!, thisT, nextT, listT, extsT };
}

function readCrlExtensions(extsT: Tlv | undefined, mode: Mode): Extension[] {
  if (!extsT) return [];
  const [inner, extra] = children(extsT);
  if (!inner || extra) throw new PkiError('BAD_DER', 'crlExtensions [0] must hold one SEQUENCE');
  const exts = readExtensions(inner, mode);
  checkCritical(exts, KNOWN_CRL_EXTENSIONS, 'CRL', mode);
  return exts;
}

/** cRLNumber for a relying party: any non-negative INTEGER (5.2.3 only bounds what issuers write). */
function anyCrlNumber(value: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(readUnsignedInteger(readRoot(value), 'cRLNumber')).toString('hex')}`);
}

/** The fields carried in crlExtensions (5.2.1 to 5.2.6). */
function extensionFields(exts: readonly Extension[], mode: Mode) {
  const get = (oid: string): Extension | undefined => exts.find((e) => e.oid === oid);
  const delta = get(CRL_EXTENSION_OIDS.deltaCRLIndicator);
  // 5.2.4: "The delta CRL indicator is a critical CRL extension"; a non-critical one would let old clients read a delta as complete.
  // A relying party still reads it as a delta, never as a complete CRL.
  if (delta && !delta.critical && !mode.unsupported) throw new PkiError('CRL_INVALID', 'the delta CRL indicator must be critical');
  const v = (oid: string): Uint8Array | null => get(oid)?.value ?? null;
  const [number, idp, aki] = [v(CRL_EXTENSION_OIDS.cRLNumber), v(CRL_EXTENSION_OIDS.issuingDistributionPoint), v(CRL_EXTENSION_OIDS.authorityKeyIdentifier)];
  const readNumber = mode.unsupported ? anyCrlNumber : parseCrlNumber;
  return {
    crlNumber: number ? readNumber(number) : null,
    baseCrlNumber: delta ? (mode.unsupported ? anyCrlNumber(delta.value) : parseCrlNumber(delta.value, 'BaseCRLNumber')) : null,
    idp,
    authorityKeyIdentifier: aki ? parseAuthorityKeyIdentifier(aki) : null,
  };
}

function readVersion(versionT: Tlv | undefined, extended: boolean): number {
  const version = versionT ? readSmallInteger(versionT, 'version') + 1 : 1;
  // 5.1.2.1: the version, "if present, MUST be v2"; CRL and entry extensions need v2.
  if (versionT ? version !== 2 : extended) throw new PkiError('CRL_INVALID', `version ${version} is not valid for this CRL`);
  return version;
}

/** A relying party can still read a CRL signed with an algorithm it will not verify; the CRL is then unusable. */
function readSignatureAlgorithm(algT: Tlv, mode: Mode): ParsedVerificationAlgorithm | null {
  if (!mode.unsupported) return parseSignatureAlgorithm(algT);
  try {
    return parseSignatureAlgorithm(algT, { legacy: mode.lookup === true });
  } catch (e) {
    if (e instanceof PkiError && (e.code === 'WEAK_ALGORITHM' || e.code === 'UNSUPPORTED_ALGORITHM')) return null;
    throw e;
  }
}

type EntryList = { entries: DetailedCrlEntry[]; anyExtensions: boolean; revoked: RevokedList<DetailedCrlEntry> | null };

function readEntries(listT: Tlv | undefined, options: CrlParseOptions, mode: Mode): EntryList {
  const maxEntries = options.maxEntries ?? CRL_LIMITS.maxEntries;
  if (!listT) return { entries: [], anyExtensions: false, revoked: null };
  if (!mode.lookup || !mode.unsupported) return { ...parseEntries(listT, maxEntries, mode), revoked: null };
  const revoked = readRevokedList(listT, maxEntries, DETAILED_ENTRY_EXTENSIONS, mode.unsupported, (t) => {
    const { hasExtensions, ...entry } = parseEntry(t, mode);
    void hasExtensions;
    return entry;
  });
  return { entries: [], anyExtensions: revoked.anyExtensions, revoked };
}

function readCrl(der: Uint8Array, options: CrlParseOptions, mode: Mode) {
  const root = readRoot(der, options.maxBytes ?? CRL_LIMITS.maxBytes);
  const [tbsT, algT, sigT] = sequenceOf(root, 'CertificateList', 3, 3);
  const t = splitTbs(tbsT!);
  for (const part of [algT!, t.algT, t.issuerT, ...(t.extsT ? [t.extsT] : [])]) checkDepth(part);
  // 5.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier as the signature field" of the TBS.
  if (!Buffer.from(whole(algT!)).equals(whole(t.algT))) throw new PkiError('CRL_INVALID', 'the TBS and outer signature algorithms differ');
  const extensions = readCrlExtensions(t.extsT, mode);
  const { entries, anyExtensions, revoked } = readEntries(t.listT, options, mode);
  // Fields spelled out rather than spread: object spread costs microseconds on the validator's path.
  const x = extensionFields(extensions, mode);
  return {
    der, tbs: whole(tbsT!), version: readVersion(t.versionT, extensions.length > 0 || anyExtensions),
    issuerDer: whole(t.issuerT), thisUpdate: parseTime(t.thisT), nextUpdate: t.nextT ? parseTime(t.nextT) : null,
    crlNumber: x.crlNumber, baseCrlNumber: x.baseCrlNumber, idp: x.idp, authorityKeyIdentifier: x.authorityKeyIdentifier,
    entries: Object.freeze(entries), revoked, extensions,
    signatureAlgorithm: readSignatureAlgorithm(algT!, mode), signatureAlgorithmOid: readOid(sequenceOf(algT, 'AlgorithmIdentifier', 1, 2)[0]),
    signature: readBitString(sigT, 'signatureValue').bytes,
  };
}

export function parseCrl(der: Uint8Array, options: CrlParseOptions = {}): Crl {
  const { idp, signatureAlgorithmOid, revoked, ...c } = readCrl(der, options, { unsupported: null });
  void revoked;
  void signatureAlgorithmOid;
  const freshest = c.extensions.find((e) => e.oid === CRL_EXTENSION_OIDS.freshestCRL);
  return Object.freeze({
    // Only the lookup mode reads legacy algorithms; this strict parse threw on them.
    ...c, signatureAlgorithm: c.signatureAlgorithm as ParsedSignatureAlgorithm,
    issuingDistributionPoint: idp ? parseIssuingDistributionPoint(idp) : null,
    freshestCrl: freshest ? parseFreshestCrl(freshest.value) : null,
  });
}

/** Every field, for a relying party (path/revocation); the caller applies RFC 5280 6.3.3 to the result. */
export function parseCrlDetailed(der: Uint8Array, options: CrlParseOptions = {}): DetailedCrl {
  const unsupported: string[] = [];
  const { idp, revoked, ...c } = readCrl(der, options, { unsupported });
  void revoked;
  const signatureAlgorithm = c.signatureAlgorithm as ParsedSignatureAlgorithm | null; // not the lookup mode: legacy reads as null
  return Object.freeze({ ...c, signatureAlgorithm, scope: idp ? parseCrlScope(idp) : null, scopeDer: idp, unsupportedCriticalExtensions: Object.freeze(unsupported) });
}

/**
 * A CRL as a relying party looks serials up in it: every field of parseCrlDetailed except
 * that the entries stay in the DER (`revoked` finds and parses the ones asked for), and a
 * legacy signature algorithm (SHA-1, DSA) is read rather than nulled, for the validator's
 * algorithm policy to decide.
 */
export interface LookupCrl extends Omit<DetailedCrl, 'entries' | 'signatureAlgorithm'> {
  readonly revoked: RevokedList<DetailedCrlEntry> | null;
  readonly signatureAlgorithm: ParsedVerificationAlgorithm | null;
}

export function parseCrlForLookup(der: Uint8Array, options: CrlParseOptions = {}): LookupCrl {
  const unsupported: string[] = [];
  const c = readCrl(der, options, { unsupported, lookup: true });
  return Object.freeze({
    der: c.der, tbs: c.tbs, version: c.version, issuerDer: c.issuerDer, thisUpdate: c.thisUpdate, nextUpdate: c.nextUpdate,
    crlNumber: c.crlNumber, baseCrlNumber: c.baseCrlNumber, scope: c.idp ? parseCrlScope(c.idp) : null, scopeDer: c.idp,
    authorityKeyIdentifier: c.authorityKeyIdentifier, revoked: c.revoked, extensions: c.extensions,
    signatureAlgorithm: c.signatureAlgorithm, signatureAlgorithmOid: c.signatureAlgorithmOid, signature: c.signature,
    unsupportedCriticalExtensions: Object.freeze(unsupported),
  });
}
