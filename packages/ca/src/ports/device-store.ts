/**
 * What gateways need from the store (issue 7): device attributes kept apart from
 * certificates, the status-event outbox every node tails, when devices were seen online,
 * and the way station each device last reported.
 */
import type { AuditEventInput } from './store.js';

/**
 * One row of the outbox, written in the transaction that made the change, so a reader
 * that has seen seq N has seen every change committed before it. Seq grows, never repeats.
 */
export type StatusEventType = 'certificate.revoked' | 'certificate.hold_released' | 'device.attributes_changed';

export interface StatusEventRecord {
  readonly seq: number;
  readonly type: StatusEventType;
  readonly caName: string | null;
  readonly serial: string | null;
  readonly deviceId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** What a writer appends; the store assigns `seq`. */
export type StatusEventInput = Omit<StatusEventRecord, 'seq'>;

export interface DeviceAttributesRecord {
  readonly deviceId: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface PutAttributesResult {
  /** The device record did not exist and was created (enrollment group label ''). */
  readonly created: boolean;
  /** The attributes before, or null when the device is new. */
  readonly previous: Readonly<Record<string, string>> | null;
  /** The outbox row written with the change. */
  readonly seq: number;
}

/** One connection or message seen by a gateway; many are folded into one write. */
export interface PresenceUpdate {
  readonly deviceId: string;
  readonly serial: string;
  /** Where the device connected from (remote address). */
  readonly source: string;
  /** The gateway node's name. */
  readonly gateway: string;
  readonly at: Date;
}

export interface PresenceRecord {
  readonly deviceId: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly lastSerial: string | null;
  readonly lastSource: string | null;
  readonly lastGateway: string | null;
}

export interface SequenceStateRecord {
  readonly index: number;
  readonly station: string;
  readonly at: Date;
}

/** A revoked, unexpired certificate: what a gateway's deny-list starts from. */
export interface DeniedSerial {
  readonly serial: string;
  readonly caName: string;
  readonly deviceId: string | null;
}

export interface DeviceStore {
  /**
   * Replaces a device's attributes (creating the device when unknown), with its audit
   * events and a `device.attributes_changed` outbox row, in one transaction.
   */
  putDeviceAttributes(
    deviceId: string, attributes: Readonly<Record<string, string>>, at: Date,
    auditFor: (previous: Readonly<Record<string, string>> | null) => readonly AuditEventInput[],
  ): Promise<PutAttributesResult>;
  getDeviceAttributes(deviceId: string): Promise<DeviceAttributesRecord | null>;

  /** Outbox rows with seq > afterSeq, ascending, at most `limit`. */
  statusEventsAfter(afterSeq: number, limit: number): Promise<StatusEventRecord[]>;
  /**
   * `last`: the highest seq written (0 when none); `prunedThrough`: every seq up to it was
   * deleted by pruning (0 when none was), so a reader behind it has missed events.
   */
  statusEventBounds(): Promise<{ readonly last: number; readonly prunedThrough: number }>;
  /** Deletes outbox rows older than `before` (and every earlier seq); returns how many. */
  pruneStatusEvents(before: Date): Promise<number>;
  /**
   * Calls `onWake` soon after any node commits an outbox row, where the engine can tell
   * (PostgreSQL LISTEN/NOTIFY); null where it cannot (SQLite: readers poll).
   */
  watchStatusEvents(onWake: () => void): Promise<(() => Promise<void>) | null>;

  /** Revoked certificates not expired at `now`, in serial order after `afterSerial`. */
  deniedSerials(now: Date, afterSerial: string, limit: number): Promise<DeniedSerial[]>;

  /** Folds the updates into device_presence (first seen kept, last seen moved forward only). */
  recordPresence(updates: readonly PresenceUpdate[]): Promise<void>;
  getPresence(deviceId: string): Promise<PresenceRecord | null>;

  getSequenceState(deviceId: string, rule: string): Promise<SequenceStateRecord | null>;
  /**
   * Moves a device's sequence state from `expected` (null: none yet) to `next`: false when
   * another node moved it first (the caller reads again and re-decides).
   */
  advanceSequenceState(deviceId: string, rule: string, expected: number | null, next: SequenceStateRecord): Promise<boolean>;
}
