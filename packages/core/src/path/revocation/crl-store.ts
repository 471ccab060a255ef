/**
 * The CRLs of one checkRevocation call. Each is read for lookups (crl/revoked-list.ts: the
 * entries stay in the DER until a serial is asked for), and the parse, the entry index and
 * the signature results are memoised per input Uint8Array (path/input-memo.ts), so a caller
 * that passes the same CRL object again pays for none of it.
 */
import type { KeyObject } from 'node:crypto';
import type { ParsedVerificationAlgorithm } from '../../crypto/algorithm-identifier.js';
import { verifySignature } from '../../crypto/verify.js';
import { publicKeyFor } from '../cert-info.js';
import { InputMemo } from '../input-memo.js';
import { type DetailedCrlEntry, type LookupCrl, parseCrlForLookup } from '../../crl/parse.js';
import type { Certificate } from '../../x509/certificate.js';
import { type Name, parseName } from '../../x509/name.js';
import { directoryNames, nameEqual } from './names.js';

/** A revoked entry with the issuer of the certificate it names (5.3.3: the CRL issuer, or the last certificateIssuer). */
export interface IndexedEntry {
  readonly entry: DetailedCrlEntry;
  readonly certificateIssuer: Name;
}

export interface StoredCrl {
  readonly crl: LookupCrl;
  readonly issuer: Name;
  readonly isDelta: boolean;
  /** The entry for this serial (names.ts serialKey) of a certificate from `certIssuer`, or null; throws if that entry is malformed. */
  find(serial: string, certIssuer: Name): DetailedCrlEntry | null;
  /** Whether this key verifies the CRL's signature (memoised per KeyObject). */
  verifiedBy(key: KeyObject): boolean;
}

/** 5.3.3: in an indirect CRL the certificateIssuer carries over to the following entries, so all are read in order. */
function indexIndirect(entries: readonly DetailedCrlEntry[], issuer: Name): Map<string, IndexedEntry[]> {
  const map = new Map<string, IndexedEntry[]>();
  let current = issuer;
  for (const entry of entries) {
    if (entry.certificateIssuer) current = directoryNames(entry.certificateIssuer)[0] ?? [];
    const list = map.get(entry.serial);
    const item = { entry, certificateIssuer: current };
    if (list) list.push(item); else map.set(entry.serial, [item]);
  }
  return map;
}

/** A key node:crypto cannot use verifies nothing. */
export function verifyWithKey(key: KeyObject, alg: ParsedVerificationAlgorithm, data: Uint8Array, signature: Uint8Array): boolean {
  return verifySignature(alg.algorithm, key, data, signature, alg.pss);
}

/** Verifies with the signer certificate's own key (the SPKI-keyed cache of cert-info.ts). */
export function verifyWith(signer: Certificate, alg: ParsedVerificationAlgorithm, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifyWithKey(publicKeyFor(signer), alg, data, signature);
  } catch {
    return false;
  }
}

function store(crl: LookupCrl): StoredCrl {
  const issuer = parseName(crl.issuerDer);
  const indirect = crl.scope?.indirectCRL === true;
  let index: Map<string, IndexedEntry[]> | null = null;
  const verified = new WeakMap<KeyObject, boolean>();
  return {
    crl, issuer, isDelta: crl.baseCrlNumber !== null,
    find(serial, certIssuer) {
      if (!crl.revoked) return null;
      if (!indirect) return nameEqual(issuer, certIssuer) ? crl.revoked.find(serial)[0] ?? null : null;
      index ??= indexIndirect(crl.revoked.all(), issuer);
      return index.get(serial)?.find((e) => nameEqual(e.certificateIssuer, certIssuer))?.entry ?? null;
    },
    verifiedBy(key) {
      let ok = verified.get(key);
      if (ok === undefined) {
        const alg = crl.signatureAlgorithm;
        ok = alg !== null && verifyWithKey(key, alg, crl.tbs, crl.signature);
        verified.set(key, ok);
      }
      return ok;
    },
  };
}

const memo = new InputMemo<StoredCrl | null>();

/** Reads every input CRL; one that does not parse is ignored, as if it had not been supplied. */
export function storeCrls(ders: readonly Uint8Array[]): StoredCrl[] {
  const out: StoredCrl[] = [];
  for (const der of ders) {
    const s = memo.get(der, (bytes) => { try { return store(parseCrlForLookup(bytes)); } catch { return null; } });
    if (s) out.push(s);
  }
  return out;
}
