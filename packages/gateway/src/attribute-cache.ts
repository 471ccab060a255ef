/**
 * Device attributes as the rules see them, cached in memory: loaded from the store on a
 * device's first connection, then replaced by every device.attributes_changed event (the
 * event carries the new attributes, so applying it needs no read). A load that was in
 * flight when an event arrived is discarded: the event is newer. Bounded, least recently
 * used first out; a reset of the status feed drops everything.
 */
import type { DeviceStore } from '@fleetpki/ca';

export type Attributes = Readonly<Record<string, string>>;
const NONE: Attributes = Object.freeze({});

export class AttributeCache {
  readonly #entries = new Map<string, Attributes>();
  /** Bumped by each event or reset, so an older load does not overwrite a newer value. */
  #generation = 0;
  readonly #changedAt = new Map<string, number>();
  #resetAt = 0;

  constructor(private readonly store: Pick<DeviceStore, 'getDeviceAttributes'>, private readonly maxEntries: number) {}

  /** The cached attributes, without a load (undefined when not cached). */
  peek(deviceId: string): Attributes | undefined {
    return this.#entries.get(deviceId);
  }

  async get(deviceId: string): Promise<Attributes> {
    const hit = this.#entries.get(deviceId);
    if (hit) return hit;
    const generation = this.#generation;
    const record = await this.store.getDeviceAttributes(deviceId);
    const attributes = record ? Object.freeze({ ...record.attributes }) : NONE;
    const newer = this.#entries.get(deviceId);
    if (newer) return newer;
    // Cache it unless a reset, or an event for this device, came while it was read.
    if (this.#resetAt <= generation && (this.#changedAt.get(deviceId) ?? -1) <= generation) this.#put(deviceId, attributes);
    return attributes;
  }

  /** An attribute change: the new value wins over anything cached or being loaded. */
  set(deviceId: string, attributes: Attributes): void {
    this.#generation++;
    this.#changedAt.set(deviceId, this.#generation);
    if (this.#changedAt.size > this.maxEntries) this.#changedAt.delete(this.#changedAt.keys().next().value!);
    this.#put(deviceId, Object.freeze({ ...attributes }));
  }

  clear(): void {
    this.#resetAt = ++this.#generation;
    this.#entries.clear();
    this.#changedAt.clear();
  }

  #put(deviceId: string, attributes: Attributes): void {
    this.#entries.delete(deviceId);
    this.#entries.set(deviceId, attributes);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
