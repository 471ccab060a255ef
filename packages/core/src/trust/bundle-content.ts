/**
 * The signed content of a trust bundle (decision 005), the eContent of its CMS SignedData:
 *   TrustBundleContent ::= SEQUENCE {
 *     version         INTEGER { v1(1) },
 *     bundleSequence  INTEGER (1..2147483647),   -- strictly increasing per deployment
 *     issuedAt        GeneralizedTime,
 *     notBefore       GeneralizedTime,           -- not applied before this instant
 *     add             SEQUENCE SIZE (0..64) OF AnchorRef,
 *     retire          SEQUENCE SIZE (0..64) OF AnchorRef }
 *   AnchorRef ::= CHOICE {
 *     certificate        Certificate,
 *     certificateSha256  [0] IMPLICIT OCTET STRING (SIZE (32)),
 *     spkiSha256         [1] IMPLICIT OCTET STRING (SIZE (32)) }
 * No OPTIONAL or DEFAULT fields and GeneralizedTime only, so DER leaves one encoding per
 * content (canonical). AnchorRef is our own: RFC 5914's TrustAnchorChoice has no pins.
 */
import type { TrustAnchor } from '../path/types.js';
import { PkiError } from '../errors.js';
import { content, readSmallInteger, sequenceOf, type Tlv, whole } from '../der/reader.js';
import { generalizedTime, sequence, smallInteger, TAG, tlv } from '../der/writer.js';
import { parseCertificate } from '../x509/certificate.js';
import { parseTime } from '../x509/time.js';
import { type AnchorPin, certificateAnchor, pinAnchor, SHA256_BYTES } from './anchor.js';
import { MAX_BUNDLE_SEQUENCE } from './store.js';

export const TRUST_BUNDLE_VERSION = 1;
export const TRUST_BUNDLE_MAX_ANCHORS = 64;

export interface TrustBundleContent {
  readonly version: number;
  readonly bundleSequence: number;
  readonly issuedAt: Date;
  readonly notBefore: Date;
  readonly add: readonly TrustAnchor[];
  readonly retire: readonly TrustAnchor[];
}

export type TrustBundleFields = Omit<TrustBundleContent, 'version'>;

const PIN_TAG: Readonly<Record<AnchorPin['kind'], number>> = { 'certificate-sha256': 0x80, 'spki-sha256': 0x81 };

function encodeAnchorRef(a: TrustAnchor): Uint8Array {
  return a.kind === 'certificate' ? a.certificate.der : tlv(PIN_TAG[a.kind], a.sha256);
}

/** Range checks belong to the caller (createTrustBundle); this only encodes. */
export function encodeTrustBundleContent(f: TrustBundleFields): Buffer {
  return sequence(
    smallInteger(TRUST_BUNDLE_VERSION), smallInteger(f.bundleSequence), generalizedTime(f.issuedAt), generalizedTime(f.notBefore),
    sequence(...f.add.map(encodeAnchorRef)), sequence(...f.retire.map(encodeAnchorRef)),
  );
}

const bad = (why: string): PkiError => new PkiError('BAD_DER', `TrustBundleContent: ${why}`);

function parseAnchorRef(t: Tlv): TrustAnchor {
  if (t.tag === TAG.SEQUENCE) return certificateAnchor(parseCertificate(whole(t)));
  const kind = t.tag === PIN_TAG['certificate-sha256'] ? 'certificate-sha256' : t.tag === PIN_TAG['spki-sha256'] ? 'spki-sha256' : null;
  if (!kind) throw bad(`unexpected AnchorRef tag 0x${t.tag.toString(16)}`);
  if (t.end - t.contentStart !== SHA256_BYTES) throw bad(`a ${kind} pin is ${SHA256_BYTES} octets`);
  return pinAnchor(kind, content(t));
}

function generalized(t: Tlv | undefined, what: string): Date {
  if (!t || t.tag !== TAG.GENERALIZED_TIME) throw bad(`${what} must be a GeneralizedTime`);
  return parseTime(t);
}

/** Parses the content DER (already size- and depth-checked by the CMS layer). Throws BAD_DER. */
export function parseTrustBundleContent(t: Tlv): TrustBundleContent {
  const [versionT, seqT, issuedT, notBeforeT, addT, retireT] = sequenceOf(t, 'TrustBundleContent', 6, 6);
  const version = readSmallInteger(versionT, 'version');
  if (version !== TRUST_BUNDLE_VERSION) throw bad(`unsupported version ${version}`);
  const bundleSequence = readSmallInteger(seqT, 'bundleSequence');
  if (bundleSequence < 1 || bundleSequence > MAX_BUNDLE_SEQUENCE) throw bad('bundleSequence out of range');
  const add = sequenceOf(addT, 'add', 0, TRUST_BUNDLE_MAX_ANCHORS).map(parseAnchorRef);
  const retire = sequenceOf(retireT, 'retire', 0, TRUST_BUNDLE_MAX_ANCHORS).map(parseAnchorRef);
  return Object.freeze({
    version, bundleSequence, issuedAt: generalized(issuedT, 'issuedAt'), notBefore: generalized(notBeforeT, 'notBefore'),
    add: Object.freeze(add), retire: Object.freeze(retire),
  });
}
