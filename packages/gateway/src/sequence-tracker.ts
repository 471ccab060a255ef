/**
 * Way-station sequences (seeds/002, track and trace): a report naming a station moves the
 * device along each sequence rule that applies to it, in the store, so every gateway node
 * sees the same position. Core decides (advanceSequence); this file reads and writes the
 * state with a compare-and-set, so two nodes moving one device at once cannot both win:
 *   1. read the device's state of every applicable rule and decide each
 *   2. a violation of a `refuse` rule refuses the report and moves nothing
 *   3. otherwise write each move (compare-and-set); a lost race starts again from 1
 */
import type { DeviceStore } from '@fleetpki/ca';
import { advanceSequence, evaluateRule, type CompiledSequenceRule, type RuleContext, type SequenceState } from '@fleetpki/core';

export interface SequenceViolation {
  readonly rule: string;
  readonly code: 'SEQUENCE_OUT_OF_ORDER' | 'SEQUENCE_UNKNOWN_STATION';
  readonly station: string;
  readonly expected: readonly string[];
  readonly onViolation: 'refuse' | 'flag';
}

export type SequenceOutcome =
  | { readonly ok: true; readonly flagged: readonly SequenceViolation[] }
  | { readonly ok: false; readonly violation: SequenceViolation; readonly flagged: readonly SequenceViolation[] };

interface Move { readonly rule: CompiledSequenceRule; readonly from: number | null; readonly index: number; readonly station: string }

const ATTEMPTS = 4;

export class SequenceTracker {
  constructor(
    private readonly store: Pick<DeviceStore, 'getSequenceState' | 'advanceSequenceState'>,
    readonly rules: readonly CompiledSequenceRule[],
    private readonly now: () => Date,
  ) {}

  /** Throws only when the store fails, or when other nodes keep winning the race. */
  async report(deviceId: string, ctx: RuleContext, station: string): Promise<SequenceOutcome> {
    const applicable = this.rules.filter((r) => r.appliesTo === null || evaluateRule(r.appliesTo, ctx));
    if (applicable.length === 0) return { ok: true, flagged: [] };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // 1. read and decide
      const moves: Move[] = [];
      const violations: SequenceViolation[] = [];
      for (const rule of applicable) {
        const stored = await this.store.getSequenceState(deviceId, rule.name);
        const state: SequenceState = stored ? { index: stored.index, station: stored.station } : null;
        const step = advanceSequence(rule, state, station);
        if (!step.ok) violations.push({ rule: rule.name, code: step.code, station, expected: step.expected, onViolation: rule.onViolation });
        else if (step.changed) moves.push({ rule, from: stored ? stored.index : null, index: step.state.index, station: step.state.station });
      }
      // 2. a refusing violation moves nothing
      const refusing = violations.find((v) => v.onViolation === 'refuse');
      if (refusing) return { ok: false, violation: refusing, flagged: violations.filter((v) => v !== refusing) };
      // 3. compare-and-set each move
      if (await this.#write(deviceId, moves)) return { ok: true, flagged: violations };
    }
    throw new Error(`sequence state of ${deviceId} kept changing under us (${ATTEMPTS} attempts)`);
  }

  async #write(deviceId: string, moves: readonly Move[]): Promise<boolean> {
    const at = this.now();
    for (const m of moves) {
      if (!(await this.store.advanceSequenceState(deviceId, m.rule.name, m.from, { index: m.index, station: m.station, at }))) return false;
    }
    return true;
  }
}
