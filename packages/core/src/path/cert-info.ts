/**
 * Facts about a certificate the validator derives once and reuses: RFC 5280 7.1 name keys,
 * the node:crypto key, hashes. Kept in a WeakMap so a parsed anchor or intermediate reused
 * across calls pays once, and a certificate parsed for one call is collected with it.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { publicKeyObject } from '../crypto/public-key.js';
import type { Certificate } from '../x509/certificate.js';
import { nameKey } from '../x509/name.js';

export interface CertInfo {
  readonly cert: Certificate;
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** RFC 5280 6.1: subject and issuer match (by 7.1 rules). */
  readonly selfIssued: boolean;
  /** SPKI as a string, for "same subject and same key" loop detection and key caching. */
  readonly spkiKey: string;
}

const infos = new WeakMap<Certificate, CertInfo>();

export function certInfo(cert: Certificate): CertInfo {
  let info = infos.get(cert);
  if (!info) {
    const subjectKey = nameKey(cert.subject);
    const issuerKey = nameKey(cert.issuer);
    const spki = cert.publicKey.spki;
    info = { cert, subjectKey, issuerKey, selfIssued: subjectKey === issuerKey, spkiKey: Buffer.from(spki.buffer, spki.byteOffset, spki.length).toString('latin1') };
    infos.set(cert, info);
  }
  return info;
}

/**
 * KeyObjects by SPKI, bounded: importing a key costs about as much as verifying with it, and
 * the same issuing CA key arrives as DER in every handshake.
 */
const KEY_CACHE_MAX = 512;
const keys = new Map<string, KeyObject>();

export function keyObjectOf(info: CertInfo): KeyObject {
  let key = keys.get(info.spkiKey);
  if (key) return key;
  key = publicKeyObject(info.cert.publicKey);
  if (keys.size >= KEY_CACHE_MAX) keys.delete(keys.keys().next().value as string);
  keys.set(info.spkiKey, key);
  return key;
}

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** The node:crypto key of a certificate, from the same bounded cache (for CRL and OCSP signers too). */
export const publicKeyFor = (cert: Certificate): KeyObject => keyObjectOf(certInfo(cert));
