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
import { parseSignatureAlgorithm, type ParsedSignatureAlgorithm } from '../crypto/algorithm-identifier.js';
import { checkDepth, children, expectTag, readBitString, readRoot, readSmallInteger, readTlv, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { type Extension, parseExtensions } from '../x509/extensions/extension.js';
import { parseAuthorityKeyIdentifier } from '../x509/extensions/key-identifiers.js';
import { readSerialNumber } from '../x509/serial.js';
import { parseTime } from '../x509/time.js';
import type { CrlEntry } from './entries.js';
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

const KNOWN_CRL_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(CRL_EXTENSION_OIDS));
const ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([CRL_ENTRY_EXTENSION_OIDS.reasonCode, CRL_ENTRY_EXTENSION_OIDS.invalidityDate]);
const isTime = (t: Tlv | undefined): t is Tlv => t?.tag === TAG.UTC_TIME || t?.tag === TAG.GENERALIZED_TIME;

function unsupportedCritical(exts: readonly Extension[], known: ReadonlySet<string>, where: string): void {
  const e = exts.find((x) => x.critical && !known.has(x.oid));
  if (e) throw new PkiError('CRL_UNSUPPORTED_CRITICAL_EXTENSION', `${where} extension ${e.oid} is critical and not supported`, { detail: { oid: e.oid } });
}

/** 5.3: reasonCode and invalidityDate are read; the others are refused if critical (certificateIssuer: indirect CRLs). */
function parseEntry(t: Tlv): CrlEntry & { hasExtensions: boolean } {
  const [serialT, dateT, extsT] = sequenceOf(t, 'revokedCertificate', 2, 3);
  if (!isTime(dateT)) throw new PkiError('BAD_DER', 'revocationDate must be a Time');
  let reason: CrlEntry['reason'] = null;
  let invalidityDate: Date | null = null;
  if (extsT) {
    const exts = parseExtensions(extsT);
    unsupportedCritical(exts, ENTRY_EXTENSIONS, 'CRL entry');
    for (const e of exts) {
      if (e.oid === CRL_ENTRY_EXTENSION_OIDS.reasonCode) reason = parseReasonCode(e.value);
      else if (e.oid === CRL_ENTRY_EXTENSION_OIDS.invalidityDate) invalidityDate = parseInvalidityDate(e.value);
    }
  }
  return { serial: readSerialNumber(serialT, 'userCertificate'), revocationDate: parseTime(dateT), reason, invalidityDate, hasExtensions: extsT !== undefined };
}

/** Walks the list one entry at a time, so the count limit holds before the memory is spent. */
function parseEntries(list: Tlv, maxEntries: number): { entries: CrlEntry[]; anyExtensions: boolean } {
  expectTag(list, TAG.SEQUENCE, 'revokedCertificates');
  const entries: CrlEntry[] = [];
  let anyExtensions = false;
  for (let p = list.contentStart; p < list.end;) {
    if (entries.length >= maxEntries) throw new PkiError('INPUT_TOO_LARGE', `CRL has over ${maxEntries} entries`);
    const t = readTlv(list.buf, p, list.end);
    const { hasExtensions, ...entry } = parseEntry(t);
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

function readCrlExtensions(extsT: Tlv | undefined): Extension[] {
  if (!extsT) return [];
  const [inner, extra] = children(extsT);
  if (!inner || extra) throw new PkiError('BAD_DER', 'crlExtensions [0] must hold one SEQUENCE');
  const exts = parseExtensions(inner);
  unsupportedCritical(exts, KNOWN_CRL_EXTENSIONS, 'CRL');
  return exts;
}

/** The fields carried in crlExtensions (5.2.1 to 5.2.6). */
function extensionFields(exts: readonly Extension[]) {
  const get = (oid: string): Extension | undefined => exts.find((e) => e.oid === oid);
  const delta = get(CRL_EXTENSION_OIDS.deltaCRLIndicator);
  // 5.2.4: "The delta CRL indicator is a critical CRL extension"; a non-critical one would let old clients read a delta as complete.
  if (delta && !delta.critical) throw new PkiError('CRL_INVALID', 'the delta CRL indicator must be critical');
  const v = (oid: string): Uint8Array | null => get(oid)?.value ?? null;
  const [number, idp, freshest, aki] = [v(CRL_EXTENSION_OIDS.cRLNumber), v(CRL_EXTENSION_OIDS.issuingDistributionPoint),
    v(CRL_EXTENSION_OIDS.freshestCRL), v(CRL_EXTENSION_OIDS.authorityKeyIdentifier)];
  return {
    crlNumber: number ? parseCrlNumber(number) : null,
    baseCrlNumber: delta ? parseCrlNumber(delta.value, 'BaseCRLNumber') : null,
    issuingDistributionPoint: idp ? parseIssuingDistributionPoint(idp) : null,
    freshestCrl: freshest ? parseFreshestCrl(freshest) : null,
    authorityKeyIdentifier: aki ? parseAuthorityKeyIdentifier(aki) : null,
  };
}

function readVersion(versionT: Tlv | undefined, extended: boolean): number {
  const version = versionT ? readSmallInteger(versionT, 'version') + 1 : 1;
  // 5.1.2.1: the version, "if present, MUST be v2"; CRL and entry extensions need v2.
  if (versionT ? version !== 2 : extended) throw new PkiError('CRL_INVALID', `version ${version} is not valid for this CRL`);
  return version;
}

export function parseCrl(der: Uint8Array, options: CrlParseOptions = {}): Crl {
  const maxBytes = options.maxBytes ?? CRL_LIMITS.maxBytes;
  const root = readRoot(der, maxBytes);
  const [tbsT, algT, sigT] = sequenceOf(root, 'CertificateList', 3, 3);
  const t = splitTbs(tbsT!);
  for (const part of [algT!, t.algT, t.issuerT, ...(t.extsT ? [t.extsT] : [])]) checkDepth(part);
  // 5.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier as the signature field" of the TBS.
  if (!Buffer.from(whole(algT!)).equals(whole(t.algT))) throw new PkiError('CRL_INVALID', 'the TBS and outer signature algorithms differ');
  const extensions = readCrlExtensions(t.extsT);
  const { entries, anyExtensions } = t.listT ? parseEntries(t.listT, options.maxEntries ?? CRL_LIMITS.maxEntries) : { entries: [], anyExtensions: false };
  return Object.freeze({
    der, tbs: whole(tbsT!), version: readVersion(t.versionT, extensions.length > 0 || anyExtensions),
    issuerDer: whole(t.issuerT), thisUpdate: parseTime(t.thisT), nextUpdate: t.nextT ? parseTime(t.nextT) : null,
    ...extensionFields(extensions),
    entries: Object.freeze(entries), extensions,
    signatureAlgorithm: parseSignatureAlgorithm(algT), signature: readBitString(sigT, 'signatureValue').bytes,
  });
}
