/**
 * The contract of enrollment (RFC 7030 EST as the wire, enrollment groups and just-in-time
 * provisioning as the policy). The EST server decodes HTTP and TLS into these inputs and
 * encodes these results; every decision is made by the use case behind `EnrollmentService`.
 * Refusals are ServiceErrors with stable codes (errors.ts), audited by the use case.
 */

/** How the device proved who it is on this request. */
export type EnrollmentAuth =
  /** A TLS client certificate: the leaf first, then whatever else the client sent (bootstrap, IDevID or operational). */
  | { readonly kind: 'certificate'; readonly chain: readonly Uint8Array[] }
  /** HTTP Basic with a one-time enrollment secret; the username is the device id. */
  | { readonly kind: 'secret'; readonly deviceId: string; readonly secret: string }
  | { readonly kind: 'none' };

export type EnrollOperation = 'simpleenroll' | 'simplereenroll' | 'serverkeygen';

export interface EnrollRequest {
  /** The EST label (`/.well-known/est/<label>/...`): the enrollment group; null for the default group. */
  readonly label: string | null;
  readonly operation: EnrollOperation;
  /** The PKCS#10 request, DER. For serverkeygen it is signed by the key the server generated for the device. */
  readonly csrDer: Uint8Array;
  readonly auth: EnrollmentAuth;
  /**
   * The TLS channel binding of this connection: tls-unique on TLS 1.2 (RFC 5929), the
   * tls-exporter value on TLS 1.3 (RFC 9266). When the group asks for proof-of-possession
   * linking (csrattrs lists challengePassword), the CSR's challengePassword must carry it.
   */
  readonly channelBinding: Uint8Array | null;
  /** Remote address, for the audit log and rate limits. */
  readonly source: string;
}

/**
 * How serverkeygen must send the key it generated (RFC 7030 4.4.2; the group's
 * serverKeygenEncryption): 'password' as CMS EnvelopedData with a PasswordRecipientInfo
 * keyed by the one-time secret this request authenticated with; 'certificate' as
 * EnvelopedData for the key of the TLS client certificate it authenticated with (`chain[0]`);
 * 'none' as plain PKCS#8.
 */
export type KeyEncryption = 'none' | 'password' | 'certificate';

export type EnrollResult =
  | {
    readonly status: 'issued';
    readonly certificateDer: Uint8Array;
    readonly serial: string;
    readonly deviceId: string;
    /** Issuing CA first, up to (not including) the root. */
    readonly chainDer: readonly Uint8Array[];
    /** serverkeygen only. */
    readonly keyEncryption?: KeyEncryption;
  }
  /** Manual approval: the client sends the same CSR again after `retryAfterSeconds` (RFC 7030 4.2.3, HTTP 202). */
  | { readonly status: 'pending'; readonly retryAfterSeconds: number; readonly requestId: string };

export interface EnrollmentService {
  enroll(request: EnrollRequest): Promise<EnrollResult>;
  /** The CA certificates for `/cacerts` of this label (RFC 7030 4.1.3): issuing CA, its chain, the root, rollover certificates. */
  caCertificates(label: string | null): Promise<readonly Uint8Array[]>;
  /** DER CsrAttrs (RFC 7030 4.5.2) for this label, or null when the group asks for nothing (HTTP 204). */
  csrAttributes(label: string | null): Promise<Uint8Array | null>;
}
