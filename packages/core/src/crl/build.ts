/**
 * X.509 v2 CRLs (RFC 5280 section 5), full and delta, written with the DER writer.
 *   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier,
 *                                  signatureValue BIT STRING }
 *   TBSCertList ::= SEQUENCE {
 *     version             Version OPTIONAL,  -- if present, MUST be v2
 *     signature           AlgorithmIdentifier,
 *     issuer              Name,
 *     thisUpdate          Time,
 *     nextUpdate          Time OPTIONAL,
 *     revokedCertificates SEQUENCE OF SEQUENCE { ... } OPTIONAL,   (entries.ts)
 *     crlExtensions       [0] EXPLICIT Extensions OPTIONAL }  -- if present, version MUST be v2
 */
import { PkiError } from '../errors.js';
import { algorithmIdentifier, type SignatureAlgorithmName } from '../crypto/algorithms.js';
import type { Signer } from '../crypto/signer.js';
import { explicit, header, sequence, smallInteger, TAG, time } from '../der/writer.js';
import { assembleSigned } from '../issue/issue.js';
import { encodeExtension } from '../x509/extensions/extension.js';
import { encodeAuthorityKeyIdentifier } from '../x509/extensions/key-identifiers.js';
import { type CrlEntry, type EncodedEntries, encodeEntries } from './entries.js';
import { CRL_EXTENSION_OIDS, encodeCrlNumber, encodeFreshestCrl, encodeIssuingDistributionPoint } from './extensions.js';

export type { CrlEntry, EncodedEntries } from './entries.js';

const isEncoded = (e: CrlFields['entries']): e is EncodedEntries => 'chunks' in e && Array.isArray((e as EncodedEntries).chunks);

export interface CrlFields {
  readonly issuer: {
    /** The issuing CA's subject Name DER, copied into the issuer field (5.1.2.3). */
    readonly subjectDer: Uint8Array;
    /** Its key identifier, for the AuthorityKeyIdentifier (5.2.1). */
    readonly keyId: Uint8Array;
  };
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly crlNumber: bigint;
  /**
   * Consumed once: a generator streams a million entries without holding them. Entries
   * already encoded (encodeEntries, page by page from a store) are taken as they are.
   */
  readonly entries: Iterable<CrlEntry> | EncodedEntries;
  /** Set for a delta CRL: the cRLNumber of its base, in a critical DeltaCRLIndicator (5.2.4). */
  readonly baseCrlNumber?: bigint;
  /** A critical IssuingDistributionPoint, for a shard or a user-certificate-only CRL (5.2.5). */
  readonly issuingDistributionPoint?: { readonly uri: string; readonly onlyContainsUserCerts?: boolean };
  /** Where the delta CRLs of this full CRL are (5.2.6). */
  readonly freshestCrl?: string;
}

const V2 = smallInteger(1);

const invalid = (message: string): PkiError => new PkiError('CRL_INVALID', message);

function checkFields(f: CrlFields): void {
  const t = f.thisUpdate.getTime();
  const n = f.nextUpdate.getTime();
  if (!Number.isFinite(t) || !Number.isFinite(n)) throw invalid('thisUpdate and nextUpdate must be valid dates');
  // 5.1.2.5: nextUpdate is "the date by which the next CRL will be issued".
  if (n <= t) throw invalid('nextUpdate must be after thisUpdate');
  // 5.2.1: the AuthorityKeyIdentifier MUST be included, with a keyIdentifier.
  if (f.issuer.keyId.length === 0) throw invalid('the issuer key identifier is empty');
  if (f.baseCrlNumber !== undefined) {
    // 5.2.4: the delta carries changes since its base, so it comes after it in the one numbering sequence.
    if (f.baseCrlNumber >= f.crlNumber) throw invalid('a delta CRL number must be greater than its base CRL number');
    // 5.2.6: Freshest CRL says where the deltas of a complete CRL are.
    if (f.freshestCrl !== undefined) throw invalid('freshestCrl belongs on full CRLs, not on delta CRLs');
  }
}

/** crlExtensions in a fixed order: AKI, CRLNumber, then the optional ones. */
function encodeCrlExtensions(f: CrlFields): Buffer {
  const exts = [
    encodeExtension(CRL_EXTENSION_OIDS.authorityKeyIdentifier, false, encodeAuthorityKeyIdentifier(f.issuer.keyId)),
    encodeExtension(CRL_EXTENSION_OIDS.cRLNumber, false, encodeCrlNumber(f.crlNumber)),
  ];
  if (f.baseCrlNumber !== undefined) {
    exts.push(encodeExtension(CRL_EXTENSION_OIDS.deltaCRLIndicator, true, encodeCrlNumber(f.baseCrlNumber, 'baseCrlNumber')));
  }
  if (f.issuingDistributionPoint) {
    exts.push(encodeExtension(CRL_EXTENSION_OIDS.issuingDistributionPoint, true, encodeIssuingDistributionPoint(f.issuingDistributionPoint)));
  }
  if (f.freshestCrl !== undefined) exts.push(encodeExtension(CRL_EXTENSION_OIDS.freshestCRL, false, encodeFreshestCrl(f.freshestCrl)));
  return explicit(0, sequence(...exts));
}

/**
 * The TBSCertList DER. Steps:
 *   1. check the fields (dates, numbers, delta rules);
 *   2. stream the entries into chunks, learning their total length;
 *   3. write every header with its final length and copy everything once.
 */
export function encodeTbsCrl(fields: CrlFields, signatureAlgorithm: SignatureAlgorithmName): Buffer {
  checkFields(fields);
  const entries = isEncoded(fields.entries) ? fields.entries : encodeEntries(fields.entries, fields.baseCrlNumber !== undefined);
  const head = [V2, algorithmIdentifier(signatureAlgorithm), fields.issuer.subjectDer, time(fields.thisUpdate), time(fields.nextUpdate)];
  // 5.1.2.6: "When there are no revoked certificates, the revoked certificates list MUST be absent."
  const revoked = entries.count === 0 ? [] : [header(TAG.SEQUENCE, entries.length), ...entries.chunks];
  const parts = [...head, ...revoked, encodeCrlExtensions(fields)];
  let length = 0;
  for (const p of parts) length += p.length;
  const tbsHeader = header(TAG.SEQUENCE, length);
  return Buffer.concat([tbsHeader, ...parts], tbsHeader.length + length);
}

/** A signed CertificateList: the TBS, the signer's AlgorithmIdentifier, its signature. */
export async function buildCrl(fields: CrlFields, signer: Signer): Promise<Buffer> {
  const tbs = encodeTbsCrl(fields, signer.algorithm);
  return assembleSigned(tbs, signer.algorithm, await signer.sign(tbs));
}
