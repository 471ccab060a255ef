/**
 * The contract of the path validator (RFC 5280 section 6). `verifyPath` is pure and
 * synchronous: it reads no clock (the caller passes `now`) and does no I/O (CRLs and OCSP
 * responses are passed in). It returns a result, never throws for a bad chain: hostile
 * input is data, and the most specific failure has a stable code.
 */
import type { AlgorithmPolicy } from '../crypto/legacy-algorithms.js';
import type { Certificate } from '../x509/certificate.js';

/** What the leaf will be used for; each maps to the EKU it needs (RFC 5280 4.2.1.12). */
export type PathUsage = 'serverAuth' | 'clientAuth' | 'ocspSigning' | 'codeSigning' | 'any';

/** A name the peer must hold (RFC 6125 for DNS; RFC 5280 4.2.1.6 for IP and email). */
export type PeerName =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string };

/**
 * A trust anchor: a certificate, or a pinned SHA-256 hash of a certificate's DER or of its
 * SubjectPublicKeyInfo DER, so a device can hold backup roots as hashes only and accept the
 * full certificate when a peer first presents it (the presented chain's last certificate).
 */
export type TrustAnchor =
  | { readonly kind: 'certificate'; readonly certificate: Certificate }
  | { readonly kind: 'certificate-sha256'; readonly sha256: Uint8Array }
  | { readonly kind: 'spki-sha256'; readonly sha256: Uint8Array };

/** RFC 5280 6.1.1 (c), (e), (f), (g): the user-initial-policy-set and the three flags. */
export interface PolicyInputs {
  /** OIDs; absent means { anyPolicy }. */
  readonly initialPolicySet?: readonly string[];
  readonly initialExplicitPolicy?: boolean;
  readonly initialPolicyMappingInhibit?: boolean;
  readonly initialAnyPolicyInhibit?: boolean;
}

export interface RevocationInputs {
  /** DER CRLs (full, delta, indirect), any order; those that do not apply are ignored. */
  readonly crls?: readonly Uint8Array[];
  /** DER OCSPResponse messages (RFC 6960), e.g. a stapled one. */
  readonly ocspResponses?: readonly Uint8Array[];
  /**
   * 'require': every certificate of the path (except the anchor) must have a known status
   * from the inputs, else REVOCATION_UNKNOWN. 'if-available': check what the inputs cover.
   * Default 'if-available'.
   */
  readonly mode?: 'require' | 'if-available';
  /** Which certificates: the whole path (default) or the leaf only. */
  readonly scope?: 'path' | 'leaf';
}

export type { AlgorithmPolicy } from '../crypto/legacy-algorithms.js';

/** Limits so hostile inputs cannot make path building explode. */
export interface PathBudget {
  readonly maxSignatureChecks: number;
  readonly maxDepth: number;
  readonly maxCandidates: number;
}

export const DEFAULT_PATH_BUDGET: PathBudget = Object.freeze({ maxSignatureChecks: 64, maxDepth: 16, maxCandidates: 256 });

/** Certificates may be given as DER or already parsed. */
export type CertificateInput = Uint8Array | Certificate;

export interface VerifyPathInput {
  readonly leaf: CertificateInput;
  readonly intermediates: readonly CertificateInput[];
  readonly anchors: readonly TrustAnchor[];
  readonly now: Date;
  readonly usage: PathUsage;
  /** Extra EKU OIDs the leaf must allow (besides `usage`). */
  readonly extKeyUsage?: readonly string[];
  /** Key usage bits the leaf must have, by RFC 5280 4.2.1.3 name (e.g. 'digitalSignature'). */
  readonly keyUsage?: readonly string[];
  readonly peerName?: PeerName;
  readonly policy?: PolicyInputs;
  readonly revocation?: RevocationInputs;
  readonly budget?: Partial<PathBudget>;
  /** Most intermediates allowed between leaf and anchor (like OpenSSL's -verify_depth). */
  readonly maxIntermediates?: number;
  /** Default 'default'; see AlgorithmPolicy. */
  readonly algorithms?: AlgorithmPolicy;
}

/** Stable codes; the table in path/codes.ts gives each a message. */
export type PathErrorCode =
  | 'CERT_MALFORMED'
  | 'ISSUER_NOT_FOUND'
  | 'UNTRUSTED_ROOT'
  | 'SIGNATURE_INVALID'
  | 'UNSUPPORTED_ALGORITHM'
  | 'WEAK_ALGORITHM'
  | 'WEAK_KEY'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'NOT_A_CA'
  | 'PATH_LENGTH_EXCEEDED'
  | 'KEY_USAGE_INVALID'
  | 'EXT_KEY_USAGE_INVALID'
  | 'NAME_CONSTRAINTS_VIOLATED'
  | 'UNKNOWN_CRITICAL_EXTENSION'
  | 'POLICY_INVALID'
  | 'PEER_NAME_MISMATCH'
  | 'CERT_REVOKED'
  | 'REVOCATION_UNKNOWN'
  | 'BUDGET_EXCEEDED';

export interface PathFailure {
  readonly ok: false;
  readonly code: PathErrorCode;
  readonly message: string;
  /** Position in the best candidate path (0 = leaf), when the failure is about one certificate. */
  readonly index?: number;
}

export interface PathSuccess {
  readonly ok: true;
  /** Leaf first, the anchor's certificate last. */
  readonly path: readonly Certificate[];
  readonly anchor: Certificate;
  /** RFC 5280 6.1.6: the authorities-constrained policy set ('2.5.29.32.0' for anyPolicy). */
  readonly policies: readonly string[];
  readonly signatureChecks: number;
}

export type VerifyPathResult = PathSuccess | PathFailure;
