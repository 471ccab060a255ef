/**
 * Progress of a long command on stderr: on a terminal, one line redrawn in place (bar,
 * done/total, rate, ETA) at most ten times a second; otherwise a plain line every few
 * seconds, so a log file gets a readable record instead of control characters.
 */
import type { Io } from './io.js';

const BAR = 24;
const REDRAW_MS = 100;
const LOG_MS = 5000;

export interface ProgressCounts {
  readonly done: number;
  /** Unknown totals show no bar and no ETA. */
  readonly total: number | null;
  readonly detail: string;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class Progress {
  readonly #started: number;
  #last = 0;
  #drawn = false;

  constructor(private readonly io: Io, private readonly label: string, private readonly terminal: boolean, private readonly now: () => number) {
    this.#started = now();
  }

  /** The current counts; drawn only when the last drawing is old enough (or `force`). */
  update(c: ProgressCounts, force = false): void {
    const t = this.now();
    if (!force && t - this.#last < (this.terminal ? REDRAW_MS : LOG_MS)) return;
    this.#last = t;
    const seconds = Math.max((t - this.#started) / 1000, 1e-3);
    const rate = c.done / seconds;
    const eta = c.total === null || rate === 0 ? NaN : (c.total - c.done) / rate;
    const of = c.total === null ? `${c.done}` : `${c.done}/${c.total}`;
    const tail = `${of} ${Math.round(rate)}/s ETA ${clock(eta)} ${c.detail}`;
    if (!this.terminal) { this.io.err(`${this.label}: ${tail}\n`); return; }
    const fraction = c.total ? Math.min(1, c.done / c.total) : 0;
    const filled = Math.round(fraction * BAR);
    const bar = c.total === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}% `;
    this.io.err(`\r\x1b[2K${this.label} ${bar}${tail}`);
    this.#drawn = true;
  }

  /** Ends the in-place line so what follows starts on its own line. */
  end(): void {
    if (this.#drawn) this.io.err('\n');
  }
}
