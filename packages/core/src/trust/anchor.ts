/**
 * Trust anchors as the store holds them: a certificate, or a pin (the SHA-256 of a
 * certificate's DER or of its SubjectPublicKeyInfo DER). Pins let a device carry backup
 * roots it has never seen in full (seed: "store the hashes of extra root certificates").
 *
 * Hashes are compared with Buffer.equals, not in constant time: anchors, pins and the
 * certificates peers present are all public. A timing leak could only tell an attacker
 * how many leading bytes of a public hash they guessed, and a pin's strength comes from
 * SHA-256's second-preimage resistance, not from the pin being secret.
 */
import { createHash } from 'node:crypto';
import type { TrustAnchor } from '../path/types.js';
import type { Certificate } from '../x509/certificate.js';

export type AnchorPin = Extract<TrustAnchor, { readonly sha256: Uint8Array }>;
export type PinKind = AnchorPin['kind'];
export const PIN_KINDS: readonly PinKind[] = ['certificate-sha256', 'spki-sha256'];
export const SHA256_BYTES = 32;

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

export function certificateAnchor(certificate: Certificate): TrustAnchor {
  return Object.freeze({ kind: 'certificate', certificate });
}

export function pinAnchor(kind: PinKind, hash: Uint8Array): AnchorPin {
  if (hash.length !== SHA256_BYTES) throw new RangeError(`a ${kind} pin is ${SHA256_BYTES} bytes`);
  return Object.freeze({ kind, sha256: new Uint8Array(hash) });
}

/** The pin of `kind` that `certificate` satisfies. */
export function pinOf(certificate: Certificate, kind: PinKind): AnchorPin {
  return pinAnchor(kind, sha256(kind === 'certificate-sha256' ? certificate.der : certificate.publicKey.spki));
}

/** Every (kind, hash) an anchor answers to: a certificate answers to both of its pins. */
function identities(a: TrustAnchor): readonly AnchorPin[] {
  return a.kind === 'certificate' ? PIN_KINDS.map((k) => pinOf(a.certificate, k)) : [a];
}

/** True when the two share an identity: the same certificate, key, or pin. */
export function anchorsOverlap(a: TrustAnchor, b: TrustAnchor): boolean {
  const bs = identities(b);
  return identities(a).some((x) => bs.some((y) => x.kind === y.kind && eq(x.sha256, y.sha256)));
}

/** True when `certificate` is what `pin` commits to. */
export function certificateSatisfies(certificate: Certificate, pin: AnchorPin): boolean {
  return eq(pinOf(certificate, pin.kind).sha256, pin.sha256);
}

/** `sha256:HEX` (certificate) or `spki-sha256:HEX`, as the CLI and the README write pins. */
export function formatPin(pin: AnchorPin): string {
  return `${pin.kind === 'certificate-sha256' ? 'sha256' : 'spki-sha256'}:${Buffer.from(pin.sha256).toString('hex')}`;
}

/** Reads `sha256:HEX` or `spki-sha256:HEX` (64 hex digits, colons between bytes allowed); null otherwise. */
export function parsePin(text: string): AnchorPin | null {
  const m = /^(sha256|spki-sha256):([0-9a-fA-F:]+)$/.exec(text.trim());
  if (!m) return null;
  const hex = m[2]!.replaceAll(':', '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return pinAnchor(m[1] === 'sha256' ? 'certificate-sha256' : 'spki-sha256', Buffer.from(hex, 'hex'));
}

/** A short stable label: the pin text, or `certificate sha256:HEX`. */
export function anchorLabel(a: TrustAnchor): string {
  return a.kind === 'certificate' ? `certificate ${formatPin(pinOf(a.certificate, 'certificate-sha256'))}` : formatPin(a);
}
