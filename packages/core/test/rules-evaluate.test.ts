/** What a rule means: ordering of versions, numbers and strings; missing values; sets; rule sets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, compileRuleSet, evaluateRule, firstFailingRule, type RuleContext } from '../src/index.js';
import { compareValues, shapeOf } from '../src/rules/compare.js';
import { ctx } from './rules-fixtures.js';

const truth = (text: string, c: RuleContext): boolean => evaluateRule(compileRule(text), c);
const withAttrs = (attributes: Record<string, string>): RuleContext => ctx({ attributes });
const order = (a: string, b: string): number => compareValues(a, shapeOf(a), b, shapeOf(b));

describe('ordering', () => {
  const table: [string, string, -1 | 0 | 1, string][] = [
    ['2.10', '2.9', 1, 'versions: segment by segment, numerically'],
    ['2.4', '2.4.0', 0, 'versions: missing segments are 0'],
    ['2.4.0.0', '2.4', 0, 'versions: several trailing zeros'],
    ['2.4.1', '2.4', 1, 'versions: a non-zero extra segment is later'],
    ['02.004', '2.4', 0, 'versions: leading zeros do not count'],
    ['10', '9', 1, 'integers are one-segment versions'],
    ['123456789012345678901234567890', '123456789012345678901234567889', 1, 'beyond 2^53, exactly'],
    ['1.5', '1.25', -1, 'a fraction without a sign reads as a version (documented)'],
    ['-1.5', '-1.25', -1, 'negative decimals: as numbers'],
    ['-1', '0.5', -1, 'decimal against version-shaped decimal'],
    ['-0', '0', 0, 'decimal zero has no sign'],
    ['-0.0', '0', 0, 'decimal zero with a fraction'],
    ['-2', '-10', 1, 'decimal magnitudes'],
    ['10', '9a', -1, 'a number against a string: code points'],
    ['2.4.1', '-3', 1, 'a version against a negative: code points ("2" > "-")'],
    ['abc', 'abd', -1, 'strings by code point'],
    ['B', 'a', -1, 'upper case before lower case'],
    ['\uffff', '\u{10000}', -1, 'code point order, not UTF-16 order'],
    ['\u{10000}', '\ue000', 1, 'astral above the private use area'],
    ['', 'a', -1, 'the empty string first'],
    ['1.', '1', 1, '"1." is neither version nor number: code points'],
  ];
  for (const [a, b, expected, why] of table) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${why}`, () => {
      assert.equal(order(a, b), expected);
      assert.equal(order(b, a), 0 - expected);
    });
  }

  it('firmware >= "2.4" works for real firmware versions', () => {
    const rule = compileRule('firmware >= "2.4"');
    const ok = (firmware: string) => evaluateRule(rule, withAttrs({ firmware }));
    assert.deepEqual(['2.3', '2.3.99', '2.4', '2.4.0', '2.10', '3', '10.0.1', '2.4-beta', 'v2.5'].map(ok),
      [false, false, true, true, true, true, true, true, true]);
  });

  it('every operator, and unquoted numbers compare by the same shapes', () => {
    const c = withAttrs({ v: '2.10' });
    assert.deepEqual(['==', '!=', '<', '<=', '>', '>='].map((op) => truth(`v ${op} "2.9"`, c)), [false, true, false, false, true, true]);
    assert.deepEqual(['==', '!=', '<', '<=', '>', '>='].map((op) => truth(`v ${op} 2.10.0`, c)), [true, false, false, true, false, true]);
    assert.equal(truth('"2.9" < v', c), true);
    assert.equal(truth('2.10 == 2.10.0', c), true);
  });
});

describe('missing values fail closed', () => {
  const none = withAttrs({});
  const table: [string, boolean][] = [
    ['status == "banned"', false],
    ['status != "banned"', false],
    ['status < "x"', false],
    ['status >= "0"', false],
    ['status in ["a"]', false],
    ['status not in ["banned"]', false],
    ['status == other', false],
    ['"x" != status', false],
    ['exists(status)', false],
    ['!exists(status) || status != "banned"', true],
    ['!(status == "banned")', true],
  ];
  for (const [text, expected] of table) it(`${text} is ${expected} without a status`, () => assert.equal(truth(text, none), expected));

  it('the escape hatch refuses a banned device and lets an active one in', () => {
    const rule = compileRule('!exists(status) || status != "banned"');
    assert.equal(evaluateRule(rule, withAttrs({ status: 'banned' })), false);
    assert.equal(evaluateRule(rule, withAttrs({ status: 'active' })), true);
  });

  it('null device id and profile, an issuer of "" and an absent subject attribute are missing', () => {
    const c = ctx({ id: null, profile: null, issuer: '', subject: {} });
    for (const p of ['device.id', 'cert.profile', 'cert.issuer', 'cert.subject.CN']) {
      assert.equal(truth(`exists(${p})`, c), false, p);
      assert.equal(truth(`${p} != "x"`, c), false, p);
      assert.equal(truth(`exists(${p})`, ctx()), true, p);
    }
  });

  it('an empty attribute value is present', () => {
    assert.equal(truth('exists(status)', withAttrs({ status: '' })), true);
    assert.equal(truth('status == ""', withAttrs({ status: '' })), true);
  });

  it('Object.prototype members are not attributes', () => {
    const c = withAttrs({});
    for (const k of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(truth(`exists(attributes["${k}"])`, c), false, k);
      assert.equal(truth(`attributes["${k}"] != "x"`, c), false, k);
      assert.equal(truth(`exists(cert.subject["${k}"])`, c), false, k);
    }
    assert.equal(truth('attributes["constructor"] == "y"', withAttrs(JSON.parse('{"constructor":"y"}'))), true);
  });
});

describe('paths, in, not in, exists', () => {
  const c = ctx({ id: 'd-7', serial: '0a1b', subject: { CN: 'd-7', serialNumber: 'SN-9' }, issuer: 'acme-mfg', attributes: { status: 'active', 'weird key': 'w', 'a.b': 'dot', fw: '2.4.0' } });
  const table: [string, boolean][] = [
    ['status == "active"', true],
    ['attributes.status == "active"', true],
    ['device.attributes.status == "active"', true],
    ['attributes["weird key"] == "w"', true],
    ['attributes["a.b"] == "dot"', true],
    ['device.id == "d-7"', true],
    ['cert.subject.CN == device.id', true],
    ['cert.subject.serialNumber == "SN-9"', true],
    ['cert.serial == "0a1b"', true],
    ['cert.issuer == "acme-mfg"', true],
    ['cert.profile == "operational-device"', true],
    ['status < "b"', true],
    ['status >= "active"', true],
    ['status > "active"', false],
    ['status <= "Active"', false],
    ['"b" > status', true],
    ['status in ["active", "maintenance"]', true],
    ['status in ["Active"]', false],
    ['status not in ["banned", "stolen"]', true],
    ['status not in ["active"]', false],
    ['fw in ["2.4", "3"]', true],
    ['fw in [2.4]', true],
    ['fw not in ["2.4"]', false],
    ['cert.serial in ["0a1b"]', true],
    ['"a" in ["a"]', true],
    ['"a" not in ["a"]', false],
    ['"2" == "2.0"', true],
    ['exists(attributes["weird key"])', true],
    ['exists(cert.subject.OU)', false],
  ];
  for (const [text, expected] of table) it(`${text} is ${expected}`, () => assert.equal(truth(text, c), expected));

  it('a compiled rule is frozen and keeps its source', () => {
    const r = compileRule('status == "active"');
    assert.equal(Object.isFrozen(r), true);
    assert.equal(r.source, 'status == "active"');
  });
});

describe('rule sets', () => {
  it('compiles connect and send rules in order, frozen', () => {
    const r = compileRuleSet([
      { name: 'active', when: 'connect', expression: 'status == "active"' },
      { name: 'firmware', when: 'send', expression: 'firmware >= "2.4"' },
      { name: 'not banned', when: 'connect', expression: '!exists(ban) || ban != "yes"' },
    ]);
    assert.ok(r.ok);
    assert.deepEqual(r.rules.connect.map((x) => [x.name, x.when, x.source]), [['active', 'connect', 'status == "active"'], ['not banned', 'connect', '!exists(ban) || ban != "yes"']]);
    assert.deepEqual(r.rules.send.map((x) => x.name), ['firmware']);
    assert.equal(Object.isFrozen(r.rules) && Object.isFrozen(r.rules.connect) && Object.isFrozen(r.rules.connect[0]), true);
  });

  it('reports every problem at once', () => {
    const r = compileRuleSet([
      { name: 'a', when: 'connect', expression: 'status = "x"' },
      { name: 'a', when: 'send', expression: 'x == "1"' },
      { name: '', when: 'later' as 'send', expression: 'x == "1"' },
      { name: 'b', when: 'send', expression: 42 as unknown as string },
      null as unknown as { name: string; when: 'send'; expression: string },
    ]);
    assert.deepEqual(r, { ok: false, problems: [
      "rules[0] (a): expression: '=' is not an operator: write == for equality at position 8",
      'rules[1] (a): name: "a" is used twice',
      'rules[2] (): name: 1 to 128 characters, no control characters, no surrounding spaces',
      'rules[2] (): when: connect or send',
      'rules[3] (b): expression: a rule is a string at position 1',
      'rules[4]: not an object',
    ] });
  });

  it('an empty set is valid and lets everything through', () => {
    const r = compileRuleSet([]);
    assert.ok(r.ok);
    assert.equal(firstFailingRule(r.rules.connect, ctx()), null);
  });

  it('firstFailingRule names the first rule that does not hold, in order', () => {
    const r = compileRuleSet([
      { name: 'active', when: 'send', expression: 'status == "active"' },
      { name: 'firmware', when: 'send', expression: 'firmware >= "2.4"' },
      { name: 'cold-chain', when: 'send', expression: 'temperature-alarm != "raised"' },
    ]);
    assert.ok(r.ok);
    const failing = (attributes: Record<string, string>) => firstFailingRule(r.rules.send, withAttrs(attributes))?.name ?? null;
    assert.equal(failing({ status: 'active', firmware: '2.10', 'temperature-alarm': 'clear' }), null);
    assert.equal(failing({ status: 'suspended', firmware: '2.10', 'temperature-alarm': 'clear' }), 'active');
    assert.equal(failing({ status: 'active', firmware: '2.3', 'temperature-alarm': 'raised' }), 'firmware');
    assert.equal(failing({ status: 'active', firmware: '2.4' }), 'cold-chain');
  });

  it('instant revocation: the same compiled rule refuses once the attribute store says so', () => {
    const rule = compileRule('status == "active"');
    const attributes: Record<string, string> = { status: 'active' };
    const c = ctx({ attributes });
    assert.equal(evaluateRule(rule, c), true);
    attributes.status = 'revoked';
    assert.equal(evaluateRule(rule, c), false);
  });
});
