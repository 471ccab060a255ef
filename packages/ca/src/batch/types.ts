/** What a batch run reads, what it reports for each device, and what it ends with. */
import type { BatchRequest, EncryptedKey, KeyGeneration } from '../ports/batch-preparer.js';
import type { BatchRecord } from '../ports/batch-store.js';

/** An input record that could not be decoded into a request: refused as BATCH_LINE_INVALID. */
export interface BatchInputFault {
  readonly line: number;
  readonly deviceId: string | null;
  readonly message: string;
}

export type BatchInputItem = { readonly kind: 'request'; readonly request: BatchRequest } | { readonly kind: 'fault'; readonly fault: BatchInputFault };

export interface BatchSignInput {
  readonly batchId: string;
  /** The CA the batch signs under: a manufacturer CA (or an issuing CA). */
  readonly caName: string;
  readonly profile: string;
  readonly validitySeconds?: number;
  /** Attributes every certificate of the batch carries (the batch id is added as `batch`). */
  readonly attributes?: Readonly<Record<string, string>>;
  /** Station mode: make each device's key here. */
  readonly keyGeneration?: KeyGeneration;
}

/** One device's result, in input order. */
export type DeviceOutcome =
  | {
    /** issued: signed by this run; existing: issued by an earlier run of the batch (a resumed batch writes it again). */
    readonly kind: 'issued' | 'existing';
    readonly line: number;
    readonly deviceId: string;
    readonly serial: string;
    readonly certificateDer: Uint8Array;
    readonly encryptedKey: EncryptedKey | null;
    /** The certificate's attributes, the batch's included. */
    readonly attributes: Readonly<Record<string, string>>;
  }
  | { readonly kind: 'refused'; readonly line: number; readonly deviceId: string | null; readonly code: string; readonly message: string };

/** Where a run's results go (the CLI writes files): called in input order, after the store committed them. */
export interface BatchSink {
  write(outcomes: readonly DeviceOutcome[]): Promise<void>;
}

export interface BatchProgress {
  readonly read: number;
  readonly issued: number;
  readonly existing: number;
  readonly refused: number;
}

export interface BatchSummary extends BatchProgress {
  readonly batch: BatchRecord;
  /** Records read from the input but not processed because the run stopped (quota). */
  readonly notProcessed: number;
  /** Why the run stopped early (QUOTA_EXCEEDED), null when it went through the input. */
  readonly stoppedBy: string | null;
}
