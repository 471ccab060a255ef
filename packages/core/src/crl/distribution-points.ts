/**
 * The scope of a CRL, read in full for revocation checking (RFC 5280 6.3.3): the CRL's
 * issuing distribution point (5.2.5) and a certificate's CRL distribution points (4.2.1.13).
 *   DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
 *   ReasonFlags ::= BIT STRING { unused (0), keyCompromise (1), cACompromise (2), affiliationChanged (3),
 *     superseded (4), cessationOfOperation (5), certificateHold (6), privilegeWithdrawn (7), aACompromise (8) }
 *   CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
 *   DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
 *     reasons [1] ReasonFlags OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL }
 *   IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
 *     onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE, onlyContainsCACerts [2] BOOLEAN DEFAULT FALSE,
 *     onlySomeReasons [3] ReasonFlags OPTIONAL, indirectCRL [4] BOOLEAN DEFAULT FALSE,
 *     onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
 */
import { PkiError } from '../errors.js';
import { children, content, readRoot, sequenceOf, type Tlv } from '../der/reader.js';
import { sequence, setOf } from '../der/writer.js';
import { type GeneralName, parseGeneralName } from '../x509/general-name.js';
import { parseName, type Rdn } from '../x509/name.js';

export interface DistributionPointName {
  readonly fullName: readonly GeneralName[] | null;
  readonly nameRelativeToCRLIssuer: Rdn | null;
}

/** ReasonFlags as a bit mask: bit n of the mask is named bit n of the BIT STRING. */
export const ALL_REASONS = 0x1fe;

export interface DistributionPoint {
  readonly distributionPoint: DistributionPointName | null;
  /** null: all reasons. */
  readonly reasons: number | null;
  readonly cRLIssuer: readonly GeneralName[] | null;
}

export interface CrlScope {
  readonly distributionPoint: DistributionPointName | null;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  /** null: all reasons. */
  readonly onlySomeReasons: number | null;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
}

const bad = (why: string): PkiError => new PkiError('BAD_DER', why);

/** The GeneralNames inside an IMPLICIT [n] (its content is the SEQUENCE OF's content). */
function implicitGeneralNames(t: Tlv, what: string): GeneralName[] {
  const names = children(t).map(parseGeneralName);
  if (names.length === 0) throw bad(`${what}: empty GeneralNames`);
  return names;
}

export function parseDistributionPointName(field: Tlv): DistributionPointName {
  const [choice, extra] = children(field);
  if (!choice || extra) throw bad('DistributionPointName must hold one choice');
  if (choice.tag === 0xa0) return { fullName: implicitGeneralNames(choice, 'fullName'), nameRelativeToCRLIssuer: null };
  if (choice.tag === 0xa1) {
    // An IMPLICIT SET: re-wrapped as the one RDN of a Name, so the name reader checks it.
    const [rdn] = parseName(sequence(setOf(content(choice))));
    return { fullName: null, nameRelativeToCRLIssuer: rdn ?? [] };
  }
  throw bad(`DistributionPointName: unexpected tag 0x${choice.tag.toString(16)}`);
}

/** ReasonFlags (an IMPLICIT BIT STRING) to a mask. */
export function parseReasonFlags(t: Tlv): number {
  const c = content(t);
  const unused = c[0];
  if (unused === undefined || unused > 7 || (c.length === 1 && unused !== 0)) throw bad('ReasonFlags: bad unused bits');
  let mask = 0;
  for (let i = 1; i < c.length && i <= 2; i++) {
    const byte = c[i] as number;
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) mask |= 1 << ((i - 1) * 8 + b);
  }
  return mask;
}

/** DER BOOLEAN inside an IMPLICIT tag: TRUE only, since FALSE is the DEFAULT and DER omits it (X.690 11.5). */
function readTrue(t: Tlv, what: string): true {
  const c = content(t);
  if (c.length !== 1 || c[0] !== 0xff) throw bad(`${what}: a DEFAULT FALSE BOOLEAN must be absent and TRUE is 0xff`);
  return true;
}

/** 5.2.5, every field; fields must come in tag order, each at most once. */
export function parseCrlScope(value: Uint8Array): CrlScope {
  const scope = { distributionPoint: null as DistributionPointName | null, onlyContainsUserCerts: false, onlyContainsCACerts: false,
    onlySomeReasons: null as number | null, indirectCRL: false, onlyContainsAttributeCerts: false };
  let last = -1;
  for (const f of sequenceOf(readRoot(value), 'IssuingDistributionPoint', 0, 6)) {
    const n = f.tag & 0x1f;
    if (n <= last || (f.tag & 0xc0) !== 0x80) throw bad(`IssuingDistributionPoint: unexpected tag 0x${f.tag.toString(16)}`);
    last = n;
    switch (f.tag) {
      case 0xa0: scope.distributionPoint = parseDistributionPointName(f); break;
      case 0x81: scope.onlyContainsUserCerts = readTrue(f, 'onlyContainsUserCerts'); break;
      case 0x82: scope.onlyContainsCACerts = readTrue(f, 'onlyContainsCACerts'); break;
      case 0x83: scope.onlySomeReasons = parseReasonFlags(f); break;
      case 0x84: scope.indirectCRL = readTrue(f, 'indirectCRL'); break;
      case 0x85: scope.onlyContainsAttributeCerts = readTrue(f, 'onlyContainsAttributeCerts'); break;
      default: throw bad(`IssuingDistributionPoint: unexpected tag 0x${f.tag.toString(16)}`);
    }
  }
  return Object.freeze(scope);
}

/** 4.2.1.13: a certificate's cRLDistributionPoints extension value. */
export function parseCrlDistributionPoints(value: Uint8Array): DistributionPoint[] {
  return sequenceOf(readRoot(value), 'CRLDistributionPoints', 1).map((dp) => {
    let distributionPoint: DistributionPointName | null = null;
    let reasons: number | null = null;
    let cRLIssuer: GeneralName[] | null = null;
    for (const f of sequenceOf(dp, 'DistributionPoint', 0, 3)) {
      if (f.tag === 0xa0) distributionPoint = parseDistributionPointName(f);
      else if (f.tag === 0x81) reasons = parseReasonFlags(f);
      else if (f.tag === 0xa2) cRLIssuer = implicitGeneralNames(f, 'cRLIssuer');
      else throw bad(`DistributionPoint: unexpected tag 0x${f.tag.toString(16)}`);
    }
    return { distributionPoint, reasons, cRLIssuer };
  });
}
