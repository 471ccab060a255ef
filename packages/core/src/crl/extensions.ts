/**
 * CRL extensions (RFC 5280 5.2) and CRL entry extensions (5.3), both directions.
 *   CRLNumber ::= INTEGER (0..MAX)                                               (5.2.3)
 *   BaseCRLNumber ::= CRLNumber            -- the DeltaCRLIndicator's value      (5.2.4)
 *   IssuingDistributionPoint ::= SEQUENCE {                                      (5.2.5)
 *     distributionPoint          [0] DistributionPointName OPTIONAL,
 *     onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
 *     onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
 *     onlySomeReasons            [3] ReasonFlags OPTIONAL,
 *     indirectCRL                [4] BOOLEAN DEFAULT FALSE,
 *     onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
 *   DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RDN }
 *   FreshestCRL ::= CRLDistributionPoints                                        (5.2.6)
 *   CRLReason ::= ENUMERATED { ... }                                             (5.3.1)
 *   InvalidityDate ::= GeneralizedTime                                           (5.3.2)
 */
import { PkiError } from '../errors.js';
import { children, content, readRoot, readUnsignedInteger, sequenceOf, type Tlv } from '../der/reader.js';
import { bigUnsignedInteger, implicitConstructed, implicitPrimitive, sequence, smallEnumerated, TAG } from '../der/writer.js';
import { CRL_REASONS, type CrlReason, crlReasonFromCode } from '../revocation/reason.js';
import { encodeCrlDistributionPoints } from '../x509/extensions/distribution.js';
import { encodeGeneralName } from '../x509/general-name.js';
import { parseTime } from '../x509/time.js';

export const CRL_EXTENSION_OIDS = {
  authorityKeyIdentifier: '2.5.29.35',
  issuerAltName: '2.5.29.18',
  cRLNumber: '2.5.29.20',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCRL: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

export const CRL_ENTRY_EXTENSION_OIDS = {
  reasonCode: '2.5.29.21',
  holdInstructionCode: '2.5.29.23',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
} as const;

export interface IssuingDistributionPoint {
  readonly uri: string | null;
  readonly onlyContainsUserCerts: boolean;
}

/** 5.2.3: "CRL issuers MUST NOT use CRLNumber values longer than 20 octets." */
const CRL_NUMBER_MAX_OCTETS = 20;

export function encodeCrlNumber(n: bigint, what = 'cRLNumber'): Buffer {
  if (typeof n !== 'bigint' || n < 0n || n >= 1n << BigInt(8 * CRL_NUMBER_MAX_OCTETS - 1)) {
    throw new PkiError('CRL_INVALID', `${what} must be a non-negative integer of at most ${CRL_NUMBER_MAX_OCTETS} octets`);
  }
  return bigUnsignedInteger(n);
}

export function parseCrlNumber(value: Uint8Array, what = 'cRLNumber'): bigint {
  const m = readUnsignedInteger(readRoot(value), what);
  if (m.length > CRL_NUMBER_MAX_OCTETS) throw new PkiError('CRL_INVALID', `${what} is over ${CRL_NUMBER_MAX_OCTETS} octets`);
  return BigInt(`0x${Buffer.from(m).toString('hex')}`);
}

export const encodeReasonCode = (reason: CrlReason): Buffer => smallEnumerated(CRL_REASONS[reason]);

export function parseReasonCode(value: Uint8Array): CrlReason {
  const t = readRoot(value);
  if (t.tag !== TAG.ENUMERATED || t.end - t.contentStart !== 1) throw new PkiError('BAD_DER', 'reasonCode must be a one-octet ENUMERATED');
  return crlReasonFromCode(t.buf[t.contentStart] as number);
}

/** 5.3.2: the invalidity date is a GeneralizedTime whatever the year. */
export function parseInvalidityDate(value: Uint8Array): Date {
  const t = readRoot(value);
  if (t.tag !== TAG.GENERALIZED_TIME) throw new PkiError('BAD_DER', 'invalidityDate must be a GeneralizedTime');
  return parseTime(t);
}

/** A URI for an IA5String GeneralName: printable ASCII only. */
export function checkUri(uri: string, what: string): string {
  if (!/^[\x21-\x7e]{1,2048}$/.test(uri)) throw new PkiError('CRL_INVALID', `${what} must be a printable ASCII URI`);
  return uri;
}

export function encodeIssuingDistributionPoint(idp: { readonly uri: string; readonly onlyContainsUserCerts?: boolean }): Buffer {
  const name = implicitConstructed(0, implicitConstructed(0, encodeGeneralName({ type: 'uri', value: checkUri(idp.uri, 'issuingDistributionPoint') })));
  return idp.onlyContainsUserCerts === true ? sequence(name, implicitPrimitive(1, Uint8Array.of(0xff))) : sequence(name);
}

export const encodeFreshestCrl = (uri: string): Buffer => encodeCrlDistributionPoints([checkUri(uri, 'freshestCrl')]);

const unsupported = (why: string): PkiError =>
  new PkiError('CRL_UNSUPPORTED_CRITICAL_EXTENSION', `issuingDistributionPoint: ${why} is not supported`);

/** The first URI of a fullName, or null when it names none. */
function firstUri(dpName: Tlv): string | null {
  const [choice, extra] = children(dpName);
  if (!choice || extra) throw new PkiError('BAD_DER', 'DistributionPointName must hold one choice');
  if (choice.tag !== 0xa0) return null;
  const uri = children(choice).find((g) => g.tag === 0x86);
  if (!uri) return null;
  const s = Buffer.from(content(uri)).toString('latin1');
  if (!/^[\x21-\x7e]+$/.test(s)) throw new PkiError('BAD_DER', 'URI with control or non-ASCII characters');
  return s;
}

function readBooleanTrue(t: Tlv): boolean {
  const c = content(t);
  if (c.length !== 1 || (c[0] !== 0xff && c[0] !== 0x00)) throw new PkiError('BAD_DER', 'bad BOOLEAN');
  return c[0] === 0xff;
}

/**
 * 5.2.5. Only the scopes FleetPKI writes are modelled; a CRL restricted in another way
 * (CA certificates only, some reasons, indirect, attribute certificates, a relative
 * name) would be misread as complete, so it is refused.
 */
export function parseIssuingDistributionPoint(value: Uint8Array): IssuingDistributionPoint {
  let uri: string | null = null;
  let onlyContainsUserCerts = false;
  for (const f of sequenceOf(readRoot(value), 'IssuingDistributionPoint', 0, 6)) {
    if (f.tag === 0xa0) {
      if (children(f)[0]?.tag !== 0xa0) throw unsupported('nameRelativeToCRLIssuer');
      uri = firstUri(f);
    } else if (f.tag === 0x81) onlyContainsUserCerts = readBooleanTrue(f);
    else if (f.tag === 0x82 || f.tag === 0x84 || f.tag === 0x85) {
      if (readBooleanTrue(f)) throw unsupported(['onlyContainsCACerts', '', 'indirectCRL', 'onlyContainsAttributeCerts'][f.tag - 0x82]!);
    } else if (f.tag === 0x83) throw unsupported('onlySomeReasons');
    else throw new PkiError('BAD_DER', `IssuingDistributionPoint: unexpected tag 0x${f.tag.toString(16)}`);
  }
  return { uri, onlyContainsUserCerts };
}

/** 5.2.6: the first URI of the first distribution point, or null. */
export function parseFreshestCrl(value: Uint8Array): string | null {
  const [dp] = sequenceOf(readRoot(value), 'FreshestCRL', 1);
  const name = sequenceOf(dp, 'DistributionPoint', 0, 3).find((f) => f.tag === 0xa0);
  return name ? firstUri(name) : null;
}
