/**
 * BatchPreparer: the CPU-heavy part of bulk issuance before anything is recorded: parse
 * each CSR and verify its proof of possession, or (key-generation stations) make the key
 * pair and encrypt the private key for its recipient; then core.prepare() the TBS. It is
 * pure work on its inputs, so an adapter may run it on worker threads (one per core);
 * batch/prepare-request.ts is the function every adapter runs for a request.
 */
import type { KeyObject } from 'node:crypto';
import type { IssuerContext, KeyType, PreparedCertificate, Profile } from '@fleetpki/core';

/** How a station hands out the keys it makes: PKCS#8 under a batch passphrase, or CMS EnvelopedData for a recipient. */
export type KeyProtection =
  | { readonly kind: 'passphrase'; readonly passphrase: string }
  | { readonly kind: 'recipient'; readonly certificateDer: Uint8Array };

export interface KeyGeneration {
  readonly keyType: KeyType;
  readonly protection: KeyProtection;
}

/** What every request of a batch is prepared against; fixed for the batch. */
export interface BatchPrepareContext {
  readonly profile: Profile;
  readonly issuer: IssuerContext;
  readonly validitySeconds?: number;
  /** CaSettings.publicUrl and crlShards: with shards, a certificate's distribution point names its shard. */
  readonly publicUrl: string;
  readonly crlShards: number;
  /** Null: the devices sent CSRs. */
  readonly keyGeneration: KeyGeneration | null;
  /**
   * The CA's key, when its vault lets it work on the preparer's threads (software keys):
   * the preparer then signs the recorded TBSs too (sign()). Null: the CA's Signer signs.
   */
  readonly signingKey: KeyObject | null;
}

/** A recorded TBS, signed: the certificate and its SHA-256 (lower-case hex). */
export interface SignedTbs {
  readonly der: Uint8Array;
  readonly sha256: string;
}

/** One device request, decoded from the input. */
export interface BatchRequest {
  /** 1-based record number in the input, for reports. */
  readonly line: number;
  readonly deviceId: string;
  /** The CSR DER; null when the station makes the key. */
  readonly csrDer: Uint8Array | null;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What a preparer needs of a request: its attributes stay on the committing side (less to copy between threads). */
export type PrepareRequest = Pick<BatchRequest, 'line' | 'deviceId' | 'csrDer'>;

/** The private key a station made, as it leaves the station: never in clear. */
export interface EncryptedKey {
  /** 'pkcs8': EncryptedPrivateKeyInfo DER (RFC 5958, PBES2); 'cms': EnvelopedData DER (RFC 5652) holding the PKCS#8. */
  readonly format: 'pkcs8' | 'cms';
  readonly der: Uint8Array;
}

export type PrepareOutcome =
  | {
    readonly ok: true;
    readonly prepared: PreparedCertificate;
    readonly crlShard: number;
    /** Lower-case hex SHA-256 of the SPKI DER: the key the device id is bound to. */
    readonly spkiSha256: string;
    /** Lower-case hex SHA-256 of the CSR DER; null for generated keys. */
    readonly csrSha256: string | null;
    readonly encryptedKey: EncryptedKey | null;
  }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface BatchPreparer {
  /** One outcome per request, in order; `serials[i]` and `now` go to core.prepare() for requests[i]. */
  prepare(requests: readonly PrepareRequest[], serials: readonly Uint8Array[], now: Date): Promise<PrepareOutcome[]>;
  /**
   * Signs exactly these TBSs with the context's signingKey, in order. Present only when
   * the context has one; the caller has recorded every TBS before asking.
   */
  sign?(tbs: readonly Uint8Array[]): Promise<SignedTbs[]>;
  /** Ends the adapter's threads; outstanding calls are rejected. */
  close(): Promise<void>;
}

export interface BatchPreparerFactory {
  open(context: BatchPrepareContext): Promise<BatchPreparer>;
}
