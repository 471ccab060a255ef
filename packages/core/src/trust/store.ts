/**
 * A trust store: the anchors a device or gateway trusts, and the sequence number of the
 * last trust bundle applied to it (so an older bundle cannot be replayed, decision 005).
 * Immutable and pure: every operation returns a new store (or this one, when nothing
 * changes), so a caller can compare, persist and swap stores atomically.
 */
import type { TrustAnchor } from '../path/types.js';
import type { Certificate } from '../x509/certificate.js';
import { type AnchorPin, anchorsOverlap, certificateAnchor, certificateSatisfies } from './anchor.js';

/** Bundle sequence numbers are 0 (none applied yet) to 2^31-1, one DER INTEGER of at most 4 octets. */
export const MAX_BUNDLE_SEQUENCE = 0x7fffffff;

const sameCertificate = (a: Certificate, b: Certificate): boolean => Buffer.from(a.der).equals(b.der);

export class TrustStore {
  private constructor(private readonly list: readonly TrustAnchor[], readonly sequence: number) {
    Object.freeze(this);
  }

  static readonly EMPTY = new TrustStore(Object.freeze([]), 0);

  /** A store of `anchors` (duplicates folded as add() folds them) at bundle `sequence`. */
  static of(anchors: readonly TrustAnchor[], sequence = 0): TrustStore {
    return anchors.reduce((s, a) => s.add(a), TrustStore.EMPTY).withSequence(sequence);
  }

  /** The anchors in the order they were added, for verifyPath. */
  anchors(): readonly TrustAnchor[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  certificates(): readonly Certificate[] {
    return this.list.flatMap((a) => (a.kind === 'certificate' ? [a.certificate] : []));
  }

  pins(): readonly AnchorPin[] {
    return this.list.filter((a): a is AnchorPin => a.kind !== 'certificate');
  }

  /**
   * Adds an anchor. A certificate supersedes the pins it satisfies (they are replaced by
   * it, as promote() does); a pin that a held certificate already satisfies, or that is
   * already held, changes nothing.
   */
  add(anchor: TrustAnchor): TrustStore {
    if (anchor.kind === 'certificate') {
      const c = anchor.certificate;
      if (this.certificates().some((held) => sameCertificate(held, c))) return this;
      const kept = this.list.filter((a) => a.kind === 'certificate' || !certificateSatisfies(c, a));
      return new TrustStore(Object.freeze([...kept, certificateAnchor(c)]), this.sequence);
    }
    if (this.list.some((a) => anchorsOverlap(a, anchor))) return this;
    return new TrustStore(Object.freeze([...this.list, anchor]), this.sequence);
  }

  /**
   * Removes every anchor that shares an identity with `ref`: the same certificate, a pin
   * of it, or (for an spki-sha256 reference) every certificate with that key.
   */
  retire(ref: TrustAnchor): TrustStore {
    const kept = this.list.filter((a) => !anchorsOverlap(a, ref));
    return kept.length === this.list.length ? this : new TrustStore(Object.freeze(kept), this.sequence);
  }

  /** The pin `certificate` satisfies, if the store holds one. */
  findPin(certificate: Certificate): AnchorPin | undefined {
    return this.pins().find((p) => certificateSatisfies(certificate, p));
  }

  /**
   * First presentation of a pinned root: when `certificate` satisfies a pin, the pin is
   * replaced by the full certificate (which then carries its name and validity into path
   * validation). Returns this store, unchanged, when no pin matches. The caller presents
   * only a certificate a peer actually sent; the hash is what makes it trustworthy.
   */
  promote(certificate: Certificate): TrustStore {
    return this.findPin(certificate) ? this.add(certificateAnchor(certificate)) : this;
  }

  /** The same anchors at another bundle sequence number (used when a bundle is applied). */
  withSequence(sequence: number): TrustStore {
    if (!Number.isSafeInteger(sequence) || sequence < 0 || sequence > MAX_BUNDLE_SEQUENCE) {
      throw new RangeError(`a bundle sequence is 0..${MAX_BUNDLE_SEQUENCE}`);
    }
    return sequence === this.sequence ? this : new TrustStore(this.list, sequence);
  }
}
