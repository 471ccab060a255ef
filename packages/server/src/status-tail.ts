/**
 * Drives a StatusFeed (ca/src/status/status-feed.ts): pulls when PostgreSQL notifies a
 * commit, and on a timer (SQLite has no notifications across processes; on PostgreSQL the
 * timer is a safety net for a dropped listener). One pull at a time; a failed pull is
 * retried at the next tick. `reset` reloads the caller's full state.
 */
import { StatusFeed, type DeviceStore, type StatusEventRecord } from '@fleetpki/ca';

export interface StatusTailOptions {
  /** Between pulls when nothing wakes us: SQLite's propagation delay across processes. */
  readonly pollMs: number;
  readonly onEvents: (events: readonly StatusEventRecord[]) => void | Promise<void>;
  /** Load the full state again (start, and after missed events). */
  readonly onReset: () => Promise<void>;
  readonly onError?: (err: unknown) => void;
}

export const DEFAULT_POLL_MS = { sqlite: 100, postgres: 2000 } as const;

export class StatusTail {
  readonly #feed: StatusFeed;
  #timer: NodeJS.Timeout | null = null;
  #stopWatch: (() => Promise<void>) | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(private readonly store: DeviceStore, private readonly options: StatusTailOptions) {
    this.#feed = new StatusFeed(store);
  }

  /** Marks the head, loads the full state, then follows the outbox. */
  async start(): Promise<void> {
    await this.#feed.mark();
    await this.options.onReset();
    this.#stopWatch = await this.store.watchStatusEvents(() => this.wake());
    this.#timer = setInterval(() => this.wake(), this.options.pollMs);
    this.#timer.unref();
    this.wake();
  }

  /** Pull now (or right after the pull in progress). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) { this.#again = true; return; }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#again) { this.#again = false; this.wake(); }
    });
  }

  /** Resolves once everything committed before this call has been applied. */
  async settle(): Promise<void> {
    while (this.#running) await this.#running;
    this.wake();
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.#feed.pull();
        if (batch.reset) { await this.#feed.mark(); await this.options.onReset(); continue; }
        if (batch.events.length === 0) return;
        await this.options.onEvents(batch.events);
      }
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#stopWatch?.();
    while (this.#running) await this.#running;
  }
}
