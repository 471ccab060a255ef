/** Sequence rules: the track-and-trace way stations of seeds/002. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  advanceSequence, compileSequenceRules, evaluateRule,
  type CompiledSequenceRule, type SequenceRuleSpec, type SequenceState,
} from '../src/index.js';
import { ctx } from './rules-fixtures.js';

const ROUTE = ['factory', 'truck', 'customs', 'ship'];

function rule(extra: Partial<SequenceRuleSpec> = {}): CompiledSequenceRule {
  const r = compileSequenceRules([{ name: 'export', stations: ROUTE, onViolation: 'refuse', ...extra }]);
  assert.ok(r.ok, JSON.stringify(r));
  return r.rules[0]!;
}

/** Reports stations one after another; each step as 'station' (moved), '=station' (repeat) or 'CODE[expected]'. */
function walk(r: CompiledSequenceRule, reports: readonly string[], start: SequenceState = null): string[] {
  let state = start;
  return reports.map((station) => {
    const step = advanceSequence(r, state, station);
    if (!step.ok) {
      assert.equal(step.state, state, 'a refused report leaves the state as it was');
      return `${step.code}[${step.expected.join(',')}]`;
    }
    assert.equal(step.state.station, ROUTE[step.state.index]);
    state = step.state;
    return step.changed ? station : `=${station}`;
  });
}

describe('advanceSequence', () => {
  it('accepts the stations in order; the last one is final', () => {
    assert.deepEqual(walk(rule(), ROUTE), ROUTE);
    assert.deepEqual(walk(rule(), [...ROUTE, 'factory']), [...ROUTE, 'SEQUENCE_OUT_OF_ORDER[ship]']);
  });

  it('accepts a repeat of the current station, unchanged, by default', () => {
    assert.deepEqual(walk(rule(), ['factory', 'factory', 'truck', 'truck', 'ship']),
      ['factory', '=factory', 'truck', '=truck', 'SEQUENCE_OUT_OF_ORDER[truck,customs]']);
  });

  it('refuses a repeat with allowRepeat false', () => {
    assert.deepEqual(walk(rule({ allowRepeat: false }), ['factory', 'factory', 'truck']),
      ['factory', 'SEQUENCE_OUT_OF_ORDER[truck]', 'truck']);
    assert.deepEqual(walk(rule({ allowRepeat: false }), [...ROUTE, 'ship']), [...ROUTE, 'SEQUENCE_OUT_OF_ORDER[]']);
  });

  it('refuses a skipped station by default, and allows it with allowSkip', () => {
    assert.deepEqual(walk(rule(), ['factory', 'customs']), ['factory', 'SEQUENCE_OUT_OF_ORDER[factory,truck]']);
    assert.deepEqual(walk(rule({ allowSkip: true }), ['factory', 'customs', 'ship']), ['factory', 'customs', 'ship']);
  });

  it('refuses going back, with or without allowSkip', () => {
    assert.deepEqual(walk(rule(), ['factory', 'truck', 'customs', 'truck']),
      ['factory', 'truck', 'customs', 'SEQUENCE_OUT_OF_ORDER[customs,ship]']);
    assert.deepEqual(walk(rule({ allowSkip: true }), ['factory', 'customs', 'truck']),
      ['factory', 'customs', 'SEQUENCE_OUT_OF_ORDER[customs,ship]']);
  });

  it('the first report must be the first station, unless allowSkip', () => {
    assert.deepEqual(walk(rule(), ['truck', 'factory']), ['SEQUENCE_OUT_OF_ORDER[factory]', 'factory']);
    assert.deepEqual(walk(rule({ allowSkip: true }), ['customs']), ['customs']);
    assert.deepEqual(walk(rule({ allowSkip: true }), ['plane']), ['SEQUENCE_UNKNOWN_STATION[factory,truck,customs,ship]']);
  });

  it('an unknown station is SEQUENCE_UNKNOWN_STATION with what would be accepted', () => {
    assert.deepEqual(walk(rule(), ['plane']), ['SEQUENCE_UNKNOWN_STATION[factory]']);
    assert.deepEqual(walk(rule(), ['factory', 'Truck', '']), ['factory', 'SEQUENCE_UNKNOWN_STATION[factory,truck]', 'SEQUENCE_UNKNOWN_STATION[factory,truck]']);
  });

  it('the exact step objects', () => {
    const r = rule();
    assert.deepEqual(advanceSequence(r, null, 'factory'), { ok: true, state: { index: 0, station: 'factory' }, changed: true });
    assert.deepEqual(advanceSequence(r, { index: 0, station: 'factory' }, 'factory'), { ok: true, state: { index: 0, station: 'factory' }, changed: false });
    assert.deepEqual(advanceSequence(r, { index: 1, station: 'truck' }, 'ship'),
      { ok: false, code: 'SEQUENCE_OUT_OF_ORDER', expected: ['truck', 'customs'], state: { index: 1, station: 'truck' } });
  });

  it('a stored state is found by its station name; one the rule no longer lists refuses every report', () => {
    const r = rule();
    assert.deepEqual(advanceSequence(r, { index: 7, station: 'truck' }, 'customs'), { ok: true, state: { index: 2, station: 'customs' }, changed: true });
    const stale = { index: 1, station: 'rail' };
    assert.deepEqual(advanceSequence(r, stale, 'truck'), { ok: false, code: 'SEQUENCE_OUT_OF_ORDER', expected: [], state: stale });
  });

  it('refuse and flag only travel with the rule: the step is the same, the gateway decides', () => {
    const refuse = rule({ onViolation: 'refuse' });
    const flag = rule({ onViolation: 'flag' });
    assert.equal(refuse.onViolation, 'refuse');
    assert.equal(flag.onViolation, 'flag');
    for (const s of ['truck', 'factory', 'plane']) assert.deepEqual(advanceSequence(flag, null, s), advanceSequence(refuse, null, s));
  });
});

describe('compileSequenceRules', () => {
  it('applies defaults and compiles appliesTo', () => {
    const r = compileSequenceRules([
      { name: 'export', appliesTo: 'class == "container-tracker"', stations: ROUTE, onViolation: 'flag' },
      { name: 'all', stations: ['a'], onViolation: 'refuse', allowRepeat: false, allowSkip: true },
    ]);
    assert.ok(r.ok);
    const [a, b] = r.rules;
    assert.deepEqual([a!.allowRepeat, a!.allowSkip, b!.allowRepeat, b!.allowSkip, b!.appliesTo], [true, false, false, true, null]);
    assert.equal(evaluateRule(a!.appliesTo!, ctx({ attributes: { class: 'container-tracker' } })), true);
    assert.equal(evaluateRule(a!.appliesTo!, ctx()), false);
    assert.equal(Object.isFrozen(a) && Object.isFrozen(a!.stations) && Object.isFrozen(r.rules), true);
  });

  it('copies the stations: changing the spec later changes nothing', () => {
    const stations = ['a', 'b'];
    const r = compileSequenceRules([{ name: 's', stations, onViolation: 'refuse' }]);
    stations.push('c');
    assert.ok(r.ok);
    assert.deepEqual(r.rules[0]!.stations, ['a', 'b']);
  });

  it('reports every problem: duplicate names and stations, empty lists, bad expressions and flags', () => {
    const r = compileSequenceRules([
      { name: 'x', stations: ['a', 'b', 'a'], onViolation: 'refuse' },
      { name: 'x', stations: [], onViolation: 'refuse' },
      { name: 'y', stations: ['a', ''], onViolation: 'drop' as 'flag', appliesTo: 'class = "x"' },
      { name: 'z', stations: 'a' as unknown as string[], onViolation: 'flag', allowSkip: 'yes' as unknown as boolean },
      { name: 'w', stations: Array.from({ length: 257 }, (_, i) => `s${i}`), onViolation: 'flag' },
    ]);
    assert.deepEqual(r, { ok: false, problems: [
      'sequences[0] (x): stations[2]: "a" is listed twice',
      'sequences[1] (x): name: "x" is used twice',
      'sequences[1] (x): stations: at least one',
      'sequences[2] (y): stations[1]: a name of 1 to 128 characters',
      'sequences[2] (y): onViolation: refuse or flag',
      "sequences[2] (y): appliesTo: '=' is not an operator: write == for equality at position 7",
      'sequences[3] (z): stations: at least one',
      'sequences[3] (z): allowSkip: true or false',
      'sequences[4] (w): stations: at most 256',
    ] });
  });
});
