/**
 * Sequence rules: the seed's track and trace (seeds/002, "all way stations are hit in the
 * appropriate sequence"). A rule lists the stations of a route in order; each report of a
 * device moves its state forward, and a report out of order or of an unknown station is
 * answered with the stations that would have been accepted. The core only decides; the
 * gateway stores the state and acts on `onViolation` (refuse the message, or accept and flag).
 */
import { checkRuleName, tryCompileRule, type CompiledRule } from './rule.js';

export const SEQUENCE_LIMITS = Object.freeze({ maxStations: 256, maxStationLength: 128 });

export interface SequenceRuleSpec {
  readonly name: string;
  /** A rule expression choosing the devices this sequence is for; absent = every device. */
  readonly appliesTo?: string;
  readonly stations: readonly string[];
  readonly onViolation: 'refuse' | 'flag';
  /** Default true: reporting the current station again is fine. */
  readonly allowRepeat?: boolean;
  /** Default false: a report may not jump over stations. */
  readonly allowSkip?: boolean;
}

export interface CompiledSequenceRule {
  readonly name: string;
  readonly appliesTo: CompiledRule | null;
  readonly stations: readonly string[];
  readonly onViolation: 'refuse' | 'flag';
  readonly allowRepeat: boolean;
  readonly allowSkip: boolean;
}

/** Where a device stands on one sequence; null = nothing reported yet. */
export type SequenceState = { readonly index: number; readonly station: string } | null;
export type SequenceStep =
  | { readonly ok: true; readonly state: Exclude<SequenceState, null>; readonly changed: boolean }
  | { readonly ok: false; readonly code: 'SEQUENCE_OUT_OF_ORDER' | 'SEQUENCE_UNKNOWN_STATION'; readonly expected: readonly string[]; readonly state: SequenceState };
export type SequenceRulesResult = { readonly ok: true; readonly rules: readonly CompiledSequenceRule[] } | { readonly ok: false; readonly problems: readonly string[] };

function checkStations(stations: unknown, problems: string[], at: string): void {
  if (!Array.isArray(stations) || stations.length === 0) { problems.push(`${at}: stations: at least one`); return; }
  if (stations.length > SEQUENCE_LIMITS.maxStations) problems.push(`${at}: stations: at most ${SEQUENCE_LIMITS.maxStations}`);
  const seen = new Set<unknown>();
  stations.forEach((s: unknown, j) => {
    if (typeof s !== 'string' || s.length === 0 || s.length > SEQUENCE_LIMITS.maxStationLength) {
      problems.push(`${at}: stations[${j}]: a name of 1 to ${SEQUENCE_LIMITS.maxStationLength} characters`);
    } else if (seen.has(s)) problems.push(`${at}: stations[${j}]: ${JSON.stringify(s)} is listed twice`);
    seen.add(s);
  });
}

function checkSequenceRule(spec: SequenceRuleSpec, names: Set<string>, problems: string[], at: string): CompiledSequenceRule | null {
  const before = problems.length;
  const nameProblem = checkRuleName(spec.name, names);
  if (nameProblem) problems.push(`${at}: ${nameProblem}`);
  checkStations(spec.stations, problems, at);
  if (spec.onViolation !== 'refuse' && spec.onViolation !== 'flag') problems.push(`${at}: onViolation: refuse or flag`);
  for (const flag of ['allowRepeat', 'allowSkip'] as const) {
    if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean') problems.push(`${at}: ${flag}: true or false`);
  }
  const appliesTo = spec.appliesTo === undefined ? null : tryCompileRule(spec.appliesTo);
  if (typeof appliesTo === 'string') problems.push(`${at}: appliesTo: ${appliesTo}`);
  if (problems.length > before || typeof appliesTo === 'string') return null;
  return Object.freeze({
    name: spec.name, appliesTo, stations: Object.freeze([...spec.stations]), onViolation: spec.onViolation,
    allowRepeat: spec.allowRepeat ?? true, allowSkip: spec.allowSkip ?? false,
  });
}

/** Every problem of every rule: names unique, stations non-empty and unique, expressions valid. */
export function compileSequenceRules(specs: readonly SequenceRuleSpec[]): SequenceRulesResult {
  const problems: string[] = [];
  const rules: CompiledSequenceRule[] = [];
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    if (typeof spec !== 'object' || spec === null) { problems.push(`sequences[${i}]: not an object`); return; }
    const rule = checkSequenceRule(spec, names, problems, `sequences[${i}]${typeof spec.name === 'string' ? ` (${spec.name})` : ''}`);
    if (rule) rules.push(rule);
  });
  return problems.length > 0 ? { ok: false, problems: Object.freeze(problems) } : { ok: true, rules: Object.freeze(rules) };
}

/** The stations a report may name when the device stands at `current` (-1: nothing reported yet). */
export function expectedStations(rule: CompiledSequenceRule, current: number): readonly string[] {
  const here = rule.allowRepeat && current >= 0 ? [rule.stations[current]!] : [];
  const ahead = rule.allowSkip ? rule.stations.slice(current + 1) : rule.stations.slice(current + 1, current + 2);
  return Object.freeze([...here, ...ahead]);
}

/**
 * Where the stored state stands in this rule: found by station name, since the index alone
 * could point at another station after the operator edited the list. A state whose station
 * the rule no longer lists is `null` here and refuses every report (fail closed) until the
 * operator resets it.
 */
function currentIndex(rule: CompiledSequenceRule, state: SequenceState): number | null {
  if (state === null) return -1;
  const i = rule.stations.indexOf(state.station);
  return i < 0 ? null : i;
}

/**
 * One report of `station`: the first must be stations[0] (any station with allowSkip); then
 * the current one again (allowRepeat), the next (any later one with allowSkip); going back is
 * out of order and the last station is final.
 */
export function advanceSequence(rule: CompiledSequenceRule, state: SequenceState, station: string): SequenceStep {
  const current = currentIndex(rule, state);
  if (current === null) return { ok: false, code: 'SEQUENCE_OUT_OF_ORDER', expected: Object.freeze([]), state };
  const index = rule.stations.indexOf(station);
  const accepted = index === current ? rule.allowRepeat : index === current + 1 || (rule.allowSkip && index > current);
  if (index >= 0 && accepted) {
    return { ok: true, state: Object.freeze({ index, station: rule.stations[index]! }), changed: index !== current };
  }
  const code = index < 0 ? 'SEQUENCE_UNKNOWN_STATION' : 'SEQUENCE_OUT_OF_ORDER';
  return { ok: false, code, expected: expectedStations(rule, current), state };
}
