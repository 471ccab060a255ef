/**
 * Seeded fuzzing of the rules module: compileRule throws nothing but RULE_INVALID on random
 * text, and topic matching and filter coverage agree with slow reference implementations
 * written from the MQTT text (section 4.7), not from the code under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, evaluateRule, mqttFilterCovers, mqttTopicMatches, PkiError, validateTopicFilter, validateTopicName } from '../src/index.js';
import { ctx, pick, prng } from './rules-fixtures.js';

// ---- reference implementations: split into levels, recurse ----

const lengthOk = (s: string): boolean => s.length > 0 && !s.includes('\0') && !/\p{Cs}/u.test(s) && Buffer.byteLength(s, 'utf8') <= 65535;
const refName = (t: string): boolean => lengthOk(t) && !/[+#]/.test(t);
function refFilter(f: string): boolean {
  if (!lengthOk(f)) return false;
  const levels = f.split('/');
  return levels.every((l, i) => (!l.includes('+') || l === '+') && (!l.includes('#') || (l === '#' && i === levels.length - 1)));
}
function refMatch(filter: string, topic: string): boolean {
  if (!refFilter(filter) || !refName(topic)) return false;
  const F = filter.split('/');
  const T = topic.split('/');
  if (T[0]!.startsWith('$') && (F[0] === '+' || F[0] === '#')) return false;
  const at = (i: number, j: number): boolean => {
    if (i === F.length) return j === T.length;
    if (F[i] === '#') return true;
    if (j === T.length) return false;
    return (F[i] === '+' || F[i] === T[j]) && at(i + 1, j + 1);
  };
  return at(0, 0);
}

const LEVELS = ['a', 'b', 'ab', '', '+', '#', '$SYS', '$', 'a+', '#a', 'é', '\u{1F600}', '\0', '\ud800', 'sport', 'A'];
function randomTopic(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 5);
  return Array.from({ length: n }, () => pick(rnd, LEVELS)).join('/');
}
/** Mostly filters made like the topic, so that a good share of pairs match. */
function randomPair(rnd: () => number): [string, string] {
  const topic = randomTopic(rnd);
  if (rnd() < 0.3) return [randomTopic(rnd), topic];
  const levels = topic.split('/').map((l) => (rnd() < 0.3 ? pick(rnd, ['+', '#', 'a', l]) : l));
  if (rnd() < 0.3) levels.splice(Math.floor(rnd() * (levels.length + 1)), 0, pick(rnd, ['#', '+']));
  return [levels.join('/'), topic];
}

test('mqttTopicMatches agrees with the reference on 100,000 seeded filter/topic pairs', () => {
  const rnd = prng(0x7a11);
  let matched = 0;
  for (let i = 0; i < 100_000; i++) {
    const [filter, topic] = randomPair(rnd);
    const expected = refMatch(filter, topic);
    assert.equal(mqttTopicMatches(filter, topic), expected, `${JSON.stringify(filter)} ${JSON.stringify(topic)}`);
    assert.equal(validateTopicFilter(filter), refFilter(filter), JSON.stringify(filter));
    assert.equal(validateTopicName(topic), refName(topic), JSON.stringify(topic));
    if (expected) matched++;
  }
  assert.ok(matched > 10_000 && matched < 90_000, `both outcomes exercised: ${matched} matched`);
});

test('mqttFilterCovers is exact: it agrees with "every topic the request matches, the grant matches"', () => {
  // Every filter of up to 3 levels over these; topics of up to 4 levels over the same
  // literals plus 'b', a level no filter names, which witnesses what '+' and '#' reach.
  const parts = ['a', '$', '', '+', '#'];
  const filters = [1, 2, 3].flatMap((n) => combos(parts, n)).filter(validateTopicFilter);
  const topics = [1, 2, 3, 4].flatMap((n) => combos(['a', 'b', '$', ''], n));
  const matchedBy = new Map(filters.map((f) => [f, topics.filter((t) => refMatch(f, t))]));
  let covered = 0;
  for (const g of filters) {
    for (const r of filters) {
      const expected = matchedBy.get(r)!.every((t) => refMatch(g, t));
      assert.equal(mqttFilterCovers(g, r), expected, `${g} covers ${r}`);
      if (expected) covered++;
    }
  }
  assert.ok(covered > 100, `${covered} covering pairs among ${filters.length ** 2}`);
});

function combos(parts: readonly string[], n: number): string[] {
  if (n === 1) return [...parts];
  return combos(parts, n - 1).flatMap((prefix) => parts.map((p) => `${prefix}/${p}`));
}

// ---- compileRule ----

const FRAGMENTS = [
  'status', 'firmware', 'attributes.x', 'attributes["a b"]', 'device.id', 'cert.subject.CN', 'cert.serial', 'cert.issuer', 'cert.profile',
  '"active"', '"2.4"', '"a\\"b"', '2.10', '-1', '0', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!', '(', ')', '[', ']', ',',
  'in', 'not', 'exists', 'exists(', ' ', '"', '\\', '.', '=', '&', '|', 'true', 'device', 'cert', 'attributes[', '\u0000', '\ud800', 'é',
];

/** A rule from the grammar, so that a good share compiles; randomRule then mutates some. */
function grammarRule(rnd: () => number, depth = 0): string {
  const operand = () => pick(rnd, [...FRAGMENTS.slice(0, 9), ...FRAGMENTS.slice(9, 15)]);
  const r = rnd();
  if (depth > 3 || r < 0.4) return `${operand()} ${pick(rnd, ['==', '!=', '<', '<=', '>', '>='])} ${operand()}`;
  if (r < 0.5) return `${operand()} ${pick(rnd, ['in', 'not in'])} [${pick(rnd, ['"a"', '"a", 2.4', '1,2,3'])}]`;
  if (r < 0.6) return `exists(${pick(rnd, FRAGMENTS.slice(0, 9))})`;
  if (r < 0.7) return `!(${grammarRule(rnd, depth + 1)})`;
  if (r < 0.8) return `(${grammarRule(rnd, depth + 1)})`;
  return `${grammarRule(rnd, depth + 1)} ${pick(rnd, ['&&', '||'])} ${grammarRule(rnd, depth + 1)}`;
}

function mutate(text: string, rnd: () => number): string {
  const i = Math.floor(rnd() * (text.length + 1));
  return rnd() < 0.5 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + pick(rnd, FRAGMENTS) + text.slice(i);
}

function randomRule(rnd: () => number): string {
  const r = rnd();
  if (r < 0.3) return grammarRule(rnd);
  if (r < 0.6) return mutate(grammarRule(rnd), rnd);
  if (r < 0.7) {
    // raw characters, printable ASCII and some beyond
    return Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(rnd() < 0.9 ? 32 + Math.floor(rnd() * 95) : Math.floor(rnd() * 0x3000))).join('');
  }
  return Array.from({ length: 1 + Math.floor(rnd() * 14) }, () => pick(rnd, FRAGMENTS)).join(rnd() < 0.5 ? ' ' : '');
}

test('compileRule throws nothing but PkiError RULE_INVALID on 100,000 seeded random strings; what compiles evaluates', () => {
  const rnd = prng(0x5eed);
  const c = ctx({ attributes: { status: 'active', firmware: '2.10', x: '1', 'a b': '' } });
  const seen = { ok: 0, refused: 0 };
  for (let i = 0; i < 100_000; i++) {
    const text = randomRule(rnd);
    try {
      const rule = compileRule(text);
      assert.equal(typeof evaluateRule(rule, c), 'boolean');
      seen.ok++;
    } catch (e) {
      if (!(e instanceof PkiError) || e.code !== 'RULE_INVALID') assert.fail(`${JSON.stringify(text)} threw ${String(e)}`);
      const position = e.detail?.position;
      assert.ok(typeof position === 'number' && position >= 1 && position <= text.length + 1, `${JSON.stringify(text)}: position ${String(position)}`);
      seen.refused++;
    }
  }
  assert.ok(seen.ok > 1000 && seen.refused > 1000, JSON.stringify(seen));
});
