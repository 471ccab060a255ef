/**
 * Attribute rules: compiled once from the operator's text, evaluated on every connect and
 * send (the seed's "instant revocation": change an attribute, and the next check refuses).
 * Language and semantics: parse.ts, compare.ts, compile.ts and docs/rules.md.
 */
import { isPkiError } from '../errors.js';
import type { RuleContext } from './context.js';
import { compileNode, type Predicate } from './compile.js';
import { parseRule } from './parse.js';

const EVALUATE: unique symbol = Symbol('evaluate');

/** Opaque and frozen: only compileRule makes one. `source` is the text it came from. */
export interface CompiledRule {
  readonly source: string;
  readonly [EVALUATE]: Predicate;
}

/** Throws PkiError RULE_INVALID whose message and `detail.position` (1-based) say where. */
export function compileRule(text: string): CompiledRule {
  const predicate = compileNode(parseRule(text));
  return Object.freeze({ source: text, [EVALUATE]: predicate });
}

export function evaluateRule(rule: CompiledRule, ctx: RuleContext): boolean {
  return rule[EVALUATE](ctx);
}

/** When a rule is checked: on connect (after the TLS handshake), or on every send. */
export type RuleWhen = 'connect' | 'send';
export interface RuleSpec { readonly name: string; readonly when: RuleWhen; readonly expression: string }
export interface NamedRule { readonly name: string; readonly when: RuleWhen; readonly rule: CompiledRule; readonly source: string }
export interface CompiledRuleSet { readonly connect: readonly NamedRule[]; readonly send: readonly NamedRule[] }
export type RuleSetResult = { readonly ok: true; readonly rules: CompiledRuleSet } | { readonly ok: false; readonly problems: readonly string[] };

/** Names show in logs and refusals: 1 to 128 printable characters. */
export function checkRuleName(name: unknown, taken: Set<string>): string | null {
  if (typeof name !== 'string' || !/^[^\p{Cc}]{1,128}$/u.test(name) || name.trim() !== name) return 'name: 1 to 128 characters, no control characters, no surrounding spaces';
  if (taken.has(name)) return `name: ${JSON.stringify(name)} is used twice`;
  taken.add(name);
  return null;
}

/** The rule, or the problem: a RULE_INVALID message. Anything else thrown is a bug and propagates. */
export function tryCompileRule(text: unknown): CompiledRule | string {
  try {
    return compileRule(text as string);
  } catch (e) {
    if (isPkiError(e) && e.code === 'RULE_INVALID') return e.message;
    throw e;
  }
}

/** Validates every spec and reports every problem (as configuration validation does), then freezes. */
export function compileRuleSet(specs: readonly RuleSpec[]): RuleSetResult {
  const problems: string[] = [];
  const out: Record<RuleWhen, NamedRule[]> = { connect: [], send: [] };
  const names = new Set<string>();
  specs.forEach((spec, i) => {
    if (typeof spec !== 'object' || spec === null) { problems.push(`rules[${i}]: not an object`); return; }
    const at = `rules[${i}]${typeof spec.name === 'string' ? ` (${spec.name})` : ''}`;
    const nameProblem = checkRuleName(spec.name, names);
    if (nameProblem) problems.push(`${at}: ${nameProblem}`);
    const whenOk = spec.when === 'connect' || spec.when === 'send';
    if (!whenOk) problems.push(`${at}: when: connect or send`);
    const rule = tryCompileRule(spec.expression);
    if (typeof rule === 'string') problems.push(`${at}: expression: ${rule}`);
    else if (whenOk && !nameProblem) out[spec.when].push(Object.freeze({ name: spec.name, when: spec.when, rule, source: rule.source }));
  });
  if (problems.length > 0) return { ok: false, problems: Object.freeze(problems) };
  return { ok: true, rules: Object.freeze({ connect: Object.freeze(out.connect), send: Object.freeze(out.send) }) };
}

/** The first rule the context does not satisfy, in the order given; null when all hold. */
export function firstFailingRule(rules: readonly NamedRule[], ctx: RuleContext): NamedRule | null {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (!evaluateRule(r.rule, ctx)) return r;
  }
  return null;
}
