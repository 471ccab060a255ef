/**
 * The gateway's entries in the CA's hash-chained audit log, as actor `gateway:<name>`:
 * every refused connection, the first refusal of each kind on a live connection (a device
 * publishing to a forbidden topic in a loop would otherwise flood the log; the metrics
 * count them all), and the alerts (clone, way station out of order). Writes are grouped
 * (ca's GroupCommit): a burst of refusals costs one transaction, and a refusal never waits
 * for its audit row. A failed write is reported, never thrown at a device.
 */
import { GroupCommit, type AuditEventInput, type Store } from '@fleetpki/ca';
import type { Protocol } from './live-connections.js';
import type { Refusal, RefusalCode } from './refusals.js';

export interface AuditContext {
  readonly protocol: Protocol;
  readonly source: string;
  readonly serial: string | null;
  readonly deviceId: string | null;
}

export class AuditTrail {
  readonly #commit: GroupCommit<AuditEventInput, void>;
  #last: Promise<void> = Promise.resolve();

  constructor(store: Pick<Store, 'appendAudit'>, private readonly actor: string, private readonly now: () => Date, private readonly onError: (err: unknown) => void) {
    this.#commit = new GroupCommit(async (events) => {
      await store.appendAudit(events);
      return events.map(() => undefined);
    });
  }

  /** A connection or message refused: action gateway.connect, gateway.publish, gateway.subscribe or gateway.post. */
  refusal(action: string, r: Refusal, c: AuditContext): void {
    this.#append(action, 'refused', r.code, { ...r.detail, protocol: c.protocol, source: c.source, serial: c.serial }, c.deviceId ?? c.serial ?? c.source);
  }

  /** An alert: recorded, the connection or message itself may have been let through (detail says). */
  alert(action: string, code: RefusalCode, detail: Readonly<Record<string, unknown>>, c: AuditContext): void {
    this.#append(action, 'success', code, { ...detail, protocol: c.protocol, source: c.source, serial: c.serial }, c.deviceId ?? c.serial ?? c.source);
  }

  #append(action: string, outcome: AuditEventInput['outcome'], code: string, detail: Record<string, unknown>, target: string): void {
    this.#last = this.#commit.submit({ at: this.now(), actor: this.actor, action, outcome, target, code, detail }).catch(this.onError);
  }

  /** Resolves once every entry submitted so far is written (or failed). */
  async flush(): Promise<void> {
    // Batches are written in order, so the last entry's write settles after all earlier ones.
    await this.#last;
  }
}
