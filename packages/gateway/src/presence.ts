/**
 * "Record last seen" (the connect flow's last step), folded: every admitted connection and
 * accepted message notes the device here, and once per `flushMs` the latest note of each
 * device is written in one recordPresence call. A device sending 100 messages a second
 * costs one row update a second; a failed write is retried with the next flush.
 */
import type { DeviceStore, PresenceUpdate } from '@fleetpki/ca';

/** A note, kept small: the Date is made at flush time (a device may send thousands between flushes). */
interface Note { readonly deviceId: string; readonly serial: string; readonly source: string; readonly atMs: number }

export class PresenceRecorder {
  #pending = new Map<string, Note>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> | null = null;

  constructor(
    private readonly store: Pick<DeviceStore, 'recordPresence'>,
    private readonly gateway: string,
    private readonly flushMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.flushMs);
    this.#timer.unref();
  }

  seen(deviceId: string, serial: string, source: string, at: Date | number): void {
    this.#pending.set(deviceId, { deviceId, serial, source, atMs: typeof at === 'number' ? at : at.getTime() });
  }

  async flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const updates: PresenceUpdate[] = [...batch.values()].map((n) => ({ deviceId: n.deviceId, serial: n.serial, source: n.source, gateway: this.gateway, at: new Date(n.atMs) }));
    this.#flushing = this.store.recordPresence(updates).catch((err: unknown) => {
      // Keep what did not get written, unless a newer note came meanwhile.
      for (const [k, v] of batch) if (!this.#pending.has(k)) this.#pending.set(k, v);
      this.onError(err);
    }).finally(() => { this.#flushing = null; });
    return this.#flushing;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#flushing;
    await this.flush();
  }
}
