/**
 * The CRLs of one checkRevocation call, each parsed once, its entries indexed once, its
 * signature verified at most once per candidate signer.
 */
import type { ParsedSignatureAlgorithm } from '../../crypto/algorithm-identifier.js';
import { verifySignature } from '../../crypto/verify.js';
import { publicKeyFor } from '../cert-info.js';
import { type DetailedCrl, type DetailedCrlEntry, parseCrlDetailed } from '../../crl/parse.js';
import type { Certificate } from '../../x509/certificate.js';
import { type Name, parseName } from '../../x509/name.js';
import { directoryNames } from './names.js';

/** A revoked entry with the issuer of the certificate it names (5.3.3: the CRL issuer, or the last certificateIssuer). */
export interface IndexedEntry {
  readonly entry: DetailedCrlEntry;
  readonly certificateIssuer: Name;
}

export interface StoredCrl {
  readonly crl: DetailedCrl;
  readonly issuer: Name;
  readonly isDelta: boolean;
  /** serial key -> entries (an indirect CRL may list one serial for several issuers). */
  entries(): ReadonlyMap<string, readonly IndexedEntry[]>;
  /** Whether `signer`'s key verifies this CRL (memoised). */
  verifiedBy(signer: Certificate): boolean;
}

function indexEntries(crl: DetailedCrl, issuer: Name): Map<string, IndexedEntry[]> {
  const map = new Map<string, IndexedEntry[]>();
  const indirect = crl.scope?.indirectCRL === true;
  let current = issuer;
  for (const entry of crl.entries) {
    // 5.3.3: in an indirect CRL the certificateIssuer carries over to the following entries.
    if (indirect && entry.certificateIssuer) current = directoryNames(entry.certificateIssuer)[0] ?? [];
    const list = map.get(entry.serial);
    const item = { entry, certificateIssuer: current };
    if (list) list.push(item); else map.set(entry.serial, [item]);
  }
  return map;
}

/** A key node:crypto cannot load verifies nothing. */
export function verifyWith(signer: Certificate, alg: ParsedSignatureAlgorithm, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    // The SPKI-keyed cache of cert-info.ts: importing the CA key costs about as much as verifying.
    return verifySignature(alg.algorithm, publicKeyFor(signer), data, signature, alg.pss);
  } catch {
    return false;
  }
}

function store(crl: DetailedCrl): StoredCrl {
  const issuer = parseName(crl.issuerDer);
  let index: Map<string, IndexedEntry[]> | null = null;
  const verified = new Map<Certificate, boolean>();
  return {
    crl, issuer, isDelta: crl.baseCrlNumber !== null,
    entries: () => (index ??= indexEntries(crl, issuer)),
    verifiedBy(signer) {
      let ok = verified.get(signer);
      if (ok === undefined) {
        const alg = crl.signatureAlgorithm;
        ok = alg !== null && verifyWith(signer, alg, crl.tbs, crl.signature);
        verified.set(signer, ok);
      }
      return ok;
    },
  };
}

/** Parses every input CRL; one that does not parse is ignored, as if it had not been supplied. */
export function storeCrls(ders: readonly Uint8Array[]): StoredCrl[] {
  const out: StoredCrl[] = [];
  for (const der of ders) {
    try { out.push(store(parseCrlDetailed(der))); } catch { /* unusable input: it covers nothing */ }
  }
  return out;
}
