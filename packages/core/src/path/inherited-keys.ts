/**
 * DSA parameter inheritance (RFC 5280 6.1.4 (d)-(f), RFC 3279 2.3.2), under
 * `algorithms: 'legacy'` only: a DSA key without parameters takes the working public key
 * parameters, those of the nearest DSA key above it on the path, and has none (so verifies
 * nothing) when the key above is not DSA. The path builder checks a signature made with such
 * a key once the path has reached its anchor (build.ts), since the parameters come from above.
 */
import type { KeyObject } from 'node:crypto';
import { dsaKeyObject } from '../crypto/dsa.js';
import type { Certificate } from '../x509/certificate.js';
import type { CertInfo } from './cert-info.js';

export const inheritsParameters = (c: Certificate): boolean =>
  c.publicKey.keyType === 'dsa' && c.publicKey.parameters === null;

export const anyInherits = (path: readonly CertInfo[]): boolean => path.some((i) => inheritsParameters(i.cert));

/** The working public key of each certificate of `path` (leaf first, anchor last) whose key inherits; null if none can be built. */
export function inheritedKeys(path: readonly Certificate[]): Map<Certificate, KeyObject | null> {
  const keys = new Map<Certificate, KeyObject | null>();
  let working: Uint8Array | null = null;
  for (let i = path.length - 1; i >= 0; i--) {
    const cert = path[i] as Certificate;
    const k = cert.publicKey;
    if (k.keyType !== 'dsa') { working = null; continue; }
    // (f): parameters omitted and the same algorithm as the working key: keep the working parameters.
    working = k.parameters ?? working;
    if (k.parameters === null) {
      let key: KeyObject | null = null;
      try { key = working ? dsaKeyObject(k, working) : null; } catch { key = null; }
      keys.set(cert, key);
    }
  }
  return keys;
}
