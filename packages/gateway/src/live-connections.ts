/**
 * Every admitted connection of this gateway node, indexed by each serial of its path and by
 * device id, so that a revocation or an attribute change finds the connections it must
 * close in O(1), and a second connection of the same certificate from another address is
 * seen as it is admitted (clone detection: one node's view; nodes do not share theirs).
 */
import type { DeviceGrants, RuleContext } from '@fleetpki/core';
import type { Admitted } from './admission.js';
import type { Refusal } from './refusals.js';

export type Protocol = 'https' | 'mqtt';

export interface LiveConnection {
  readonly id: number;
  readonly protocol: Protocol;
  /** The remote address (no port): what "another source" means for clone detection. */
  readonly source: string;
  readonly admitted: Admitted;
  /** Replaced when the device's attributes change (grants may use them). */
  ctx: RuleContext;
  grants: DeviceGrants;
  closed: boolean;
  /** Set when a revocation, an attribute change or a clone closed it: what its last messages (an MQTT will) are refused with. */
  closedBy: Refusal | null;
  /** Closes the connection the protocol's way (MQTT 5 DISCONNECT, or the socket). */
  readonly close: (why: Refusal) => void;
}

export type NewConnection = Omit<LiveConnection, 'id' | 'ctx' | 'grants' | 'closed' | 'closedBy'>;

function addTo<K>(index: Map<K, Set<LiveConnection>>, key: K, c: LiveConnection): void {
  let set = index.get(key);
  if (!set) index.set(key, set = new Set());
  set.add(c);
}

function removeFrom<K>(index: Map<K, Set<LiveConnection>>, key: K, c: LiveConnection): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(c);
  if (set.size === 0) index.delete(key);
}

const EMPTY: ReadonlySet<LiveConnection> = new Set();

export class LiveConnections {
  readonly #bySerial = new Map<string, Set<LiveConnection>>();
  readonly #byDevice = new Map<string, Set<LiveConnection>>();
  #nextId = 1;
  readonly #counts: Record<Protocol, number> = { https: 0, mqtt: 0 };

  get size(): number { return this.#counts.https + this.#counts.mqtt; }
  count(protocol: Protocol): number { return this.#counts[protocol]; }

  add(c: NewConnection): LiveConnection {
    const live: LiveConnection = { ...c, id: this.#nextId++, ctx: c.admitted.ctx, grants: c.admitted.grants, closed: false, closedBy: null };
    for (const s of live.admitted.pathSerials) addTo(this.#bySerial, s, live);
    addTo(this.#byDevice, live.admitted.deviceId, live);
    this.#counts[live.protocol]++;
    return live;
  }

  /** Idempotent: false when it was not (or no longer) live. */
  remove(c: LiveConnection): boolean {
    if (!this.#byDevice.get(c.admitted.deviceId)?.has(c)) return false;
    for (const s of c.admitted.pathSerials) removeFrom(this.#bySerial, s, c);
    removeFrom(this.#byDevice, c.admitted.deviceId, c);
    this.#counts[c.protocol]--;
    return true;
  }

  /** Connections whose path holds this serial (the leaf's, or a CA's). */
  ofSerial(serial: string): ReadonlySet<LiveConnection> { return this.#bySerial.get(serial) ?? EMPTY; }
  ofDevice(deviceId: string): ReadonlySet<LiveConnection> { return this.#byDevice.get(deviceId) ?? EMPTY; }

  /** Other live connections of this leaf certificate from another address. */
  clonesOf(c: LiveConnection): LiveConnection[] {
    return [...this.ofSerial(c.admitted.serial)].filter((o) => o !== c && !o.closed && o.admitted.serial === c.admitted.serial && o.source !== c.source);
  }

  *all(): Iterable<LiveConnection> {
    for (const set of this.#byDevice.values()) yield* set;
  }
}
