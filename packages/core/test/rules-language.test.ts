/** The rule language's syntax: what compileRule accepts, and where it says a rule is wrong. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, evaluateRule, PkiError, RULE_LIMITS } from '../src/index.js';
import { ctx } from './rules-fixtures.js';

/** 'OK', or 'RULE_INVALID@position'. */
function outcome(text: string): string {
  try {
    compileRule(text);
    return 'OK';
  } catch (e) {
    assert.ok(e instanceof PkiError, String(e));
    assert.equal(e.message.endsWith(` at position ${String(e.detail?.position)}`), true, e.message);
    return `${e.code}@${String(e.detail?.position)}`;
  }
}

describe('compileRule accepts', () => {
  const accepted = [
    'status == "active"',
    'firmware >= "2.4"',
    'firmware >= 2.4',
    '"2.4" <= firmware',
    'attributes.status == "active"',
    'device.attributes.status == "active"',
    'attributes["weird key"] == "x"',
    'attributes["a.b"] == "x"',
    'device.attributes["with \\"quote\\""] != "x"',
    'cert.subject.CN == device.id',
    'cert.subject["serialNumber"] == "SN1"',
    'cert.serial in ["4a0f31", "4a0f32"]',
    'cert.issuer == "acme-mfg" && cert.profile == "operational-device"',
    'status not in ["banned","stolen"]',
    'exists(status)',
    '!exists(status) || status != "banned"',
    '!!exists(x)',
    '!(a == "1")',
    '((a == "1"))',
    'battery-level > 20',
    'hw_rev >= -1',
    'attributes.2fa == "on"',
    'a == "x" && b == "y" || c == "z"',
    '  status\n==\t"active"  ',
    'x == "\\\\"',
    'temp < -0.5',
  ];
  for (const text of accepted) it(JSON.stringify(text), () => assert.equal(outcome(text), 'OK'));
});

describe('compileRule refuses with RULE_INVALID and the position', () => {
  const refused: [string, string][] = [
    ['', 'RULE_INVALID@1'],
    ['   ', 'RULE_INVALID@1'],
    ['status = "active"', 'RULE_INVALID@8'],
    ['status == active"', 'RULE_INVALID@17'],
    ['status == "active', 'RULE_INVALID@11'],
    ['status == "a\\n"', 'RULE_INVALID@13'],
    ['status', 'RULE_INVALID@7'],
    ['status ==', 'RULE_INVALID@10'],
    ['== "x"', 'RULE_INVALID@1'],
    ['a == "1" & b == "2"', 'RULE_INVALID@10'],
    ['a == "1" | b == "2"', 'RULE_INVALID@10'],
    ['a == "1" b == "2"', 'RULE_INVALID@10'],
    ['a == b == c', 'RULE_INVALID@8'],
    ['(a == "1"', 'RULE_INVALID@10'],
    ['a == "1")', 'RULE_INVALID@9'],
    ['!status == "x"', 'RULE_INVALID@2'],
    ['!"x"', 'RULE_INVALID@2'],
    ['exists("x")', 'RULE_INVALID@8'],
    ['exists(status', 'RULE_INVALID@14'],
    ['exists status', 'RULE_INVALID@8'],
    ['status in []', 'RULE_INVALID@12'],
    ['status in ["a",]', 'RULE_INVALID@16'],
    ['status in ["a" "b"]', 'RULE_INVALID@16'],
    ['status in [other]', 'RULE_INVALID@12'],
    ['status not ["a"]', 'RULE_INVALID@12'],
    ['status in "a"', 'RULE_INVALID@11'],
    ['device.name == "x"', 'RULE_INVALID@1'],
    ['device == "x"', 'RULE_INVALID@1'],
    ['cert.subject == "x"', 'RULE_INVALID@1'],
    ['cert.subject.CN.x == "x"', 'RULE_INVALID@1'],
    ['attributes == "x"', 'RULE_INVALID@1'],
    ['attributes.a.b == "x"', 'RULE_INVALID@1'],
    ['foo.bar == "x"', 'RULE_INVALID@1'],
    ['attributes[""] == "x"', 'RULE_INVALID@12'],
    ['attributes[x] == "x"', 'RULE_INVALID@12'],
    ['attributes["x" == "x"', 'RULE_INVALID@15'],
    ['a. == "x"', 'RULE_INVALID@3'],
    ['enabled == true', 'RULE_INVALID@12'],
    ['x == null', 'RULE_INVALID@6'],
    ['2fa == "on"', 'RULE_INVALID@1'],
    ['x == 1.', 'RULE_INVALID@6'],
    ['x == 1-2', 'RULE_INVALID@6'],
    ['x == -', 'RULE_INVALID@6'],
    ['x == \'a\'', 'RULE_INVALID@6'],
    ['x == "a" ; y == "b"', 'RULE_INVALID@10'],
    ['x\u0000== "a"', 'RULE_INVALID@2'],
    ['in == "a"', 'RULE_INVALID@1'],
  ];
  for (const [text, expected] of refused) it(JSON.stringify(text), () => assert.equal(outcome(text), expected));

  it('names the character it cannot read, and the position in the detail', () => {
    assert.throws(() => compileRule('x == "a" ; y'), { name: 'PkiError', code: 'RULE_INVALID', message: "unexpected character ';' at position 10" });
    assert.throws(() => compileRule('x\u0007'), { code: 'RULE_INVALID', message: 'unexpected character U+0007 at position 2' });
    assert.throws(() => compileRule('!a == "x"'), (e: unknown) => e instanceof PkiError && e.detail?.position === 2);
  });

  it('refuses what is not a string', () => {
    assert.equal(outcome(42 as unknown as string), 'RULE_INVALID@1');
  });
});

describe('limits', () => {
  it('text of 4096 characters is accepted, 4097 is not', () => {
    const base = 'x == "';
    const at = (n: number) => `${base}${'a'.repeat(n - base.length - 1)}"`;
    assert.equal(at(RULE_LIMITS.maxLength).length, 4096);
    assert.equal(outcome(at(4096)), 'OK');
    assert.equal(outcome(at(4097)), 'RULE_INVALID@4097');
  });

  it('nesting of 32 groups or negations is accepted, 33 is not', () => {
    const groups = (n: number) => `${'('.repeat(n)}x == "1"${')'.repeat(n)}`;
    assert.equal(outcome(groups(32)), 'OK');
    assert.equal(outcome(groups(33)), 'RULE_INVALID@33');
    assert.equal(outcome(`${'!'.repeat(32)}exists(x)`), 'OK');
    assert.equal(outcome(`${'!'.repeat(33)}exists(x)`), 'RULE_INVALID@33');
    assert.equal(outcome(`${'!('.repeat(16)}exists(x)${')'.repeat(16)}`), 'OK');
    assert.equal(outcome(`${'!('.repeat(16)}!exists(x)${')'.repeat(16)}`), 'RULE_INVALID@33');
  });

  it('depth is nesting, not length: 600 conjuncts in a row are fine', () => {
    const text = Array.from({ length: 600 }, () => 'a==1').join('&&');
    assert.ok(text.length <= 4096);
    assert.equal(outcome(text), 'OK');
  });

  it('a list of 256 is accepted, 257 is not', () => {
    const list = (n: number) => `x in [${Array.from({ length: n }, (_, i) => String(i)).join(',')}]`;
    assert.equal(outcome(list(256)), 'OK');
    const long = list(257);
    assert.equal(outcome(long), `RULE_INVALID@${long.lastIndexOf(',') + 2}`);
  });
});

describe('precedence: ! over comparison over && over ||', () => {
  const on = (attributes: Record<string, string>) => ctx({ attributes });
  const truth = (text: string, attributes: Record<string, string>) => evaluateRule(compileRule(text), on(attributes));

  it('&& binds tighter than ||', () => {
    // a || (b && c), not (a || b) && c
    const text = 'a == "1" || b == "1" && c == "1"';
    assert.equal(truth(text, { a: '1', b: '0', c: '0' }), true);
    assert.equal(truth(text, { a: '0', b: '1', c: '0' }), false);
    assert.equal(truth(text, { a: '0', b: '1', c: '1' }), true);
    // (a && b) || c
    assert.equal(truth('a == "1" && b == "1" || c == "1"', { a: '0', b: '0', c: '1' }), true);
  });

  it('parentheses override', () => {
    assert.equal(truth('(a == "1" || b == "1") && c == "1"', { a: '1', b: '0', c: '0' }), false);
  });

  it('! applies to the group or exists() right after it', () => {
    assert.equal(truth('!exists(a) && b == "1"', { b: '1' }), true);
    assert.equal(truth('!(exists(a) && b == "1")', { b: '1' }), true);
    assert.equal(truth('!(exists(a) || b == "1")', { b: '1' }), false);
    assert.equal(truth('!!exists(a)', { a: '' }), true);
  });
});
