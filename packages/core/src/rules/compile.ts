/**
 * Syntax tree -> closures, once per rule, so that evaluation on every MQTT publish is a few
 * property reads and character scans: no parsing, no regular expressions, no allocation.
 *
 * Missing values fail closed (docs/rules.md): a comparison or `in` / `not in` with a missing
 * operand is false, `!=` included. Only `!` and `||` can turn that into an acceptance, and
 * then the rule says so in so many words: `!exists(status) || status != "banned"`.
 */
import { accessorFor, type Accessor, type RuleContext } from './context.js';
import { compareCodePoints, compareValues, shapeOf } from './compare.js';
import type { CompareOp, Operand, RuleNode } from './parse.js';

export type Predicate = (ctx: RuleContext) => boolean;
type Test = (order: number) => boolean;

const TESTS: Readonly<Record<CompareOp, Test>> = {
  '==': (c) => c === 0, '!=': (c) => c !== 0, '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
};
/** `"2.4" <= firmware` is `firmware >= "2.4"`. */
const MIRROR: Readonly<Record<CompareOp, CompareOp>> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const constant = (v: boolean): Predicate => () => v;

function comparePathToLiteral(get: Accessor, op: CompareOp, lit: string): Predicate {
  const litShape = shapeOf(lit);
  // A literal that is neither version nor decimal compares by code point with any value,
  // so equality is plain string equality and the value's shape is never needed.
  if (litShape === 0 && op === '==') return (ctx) => get(ctx) === lit;
  if (litShape === 0 && op === '!=') return (ctx) => { const v = get(ctx); return v !== undefined && v !== lit; };
  const test = TESTS[op];
  if (litShape === 0) return (ctx) => { const v = get(ctx); return v !== undefined && test(v === lit ? 0 : compareCodePoints(v, lit)); };
  return (ctx) => {
    const v = get(ctx);
    return v !== undefined && test(compareValues(v, shapeOf(v), lit, litShape));
  };
}

function compileCompare(op: CompareOp, left: Operand, right: Operand): Predicate {
  if (left.kind === 'literal' && right.kind === 'literal') {
    return constant(TESTS[op](compareValues(left.value, shapeOf(left.value), right.value, shapeOf(right.value))));
  }
  if (left.kind === 'literal') return compileCompare(MIRROR[op], right, left);
  const get = accessorFor(left.ref);
  if (right.kind === 'literal') return comparePathToLiteral(get, op, right.value);
  const other = accessorFor(right.ref);
  const test = TESTS[op];
  return (ctx) => {
    const a = get(ctx);
    const b = other(ctx);
    return a !== undefined && b !== undefined && test(compareValues(a, shapeOf(a), b, shapeOf(b)));
  };
}

/** Membership: identical text is always equal; numeric-shaped literals may also equal other spellings ("2.4.0"). */
function compileIn(operand: Operand, list: readonly string[], negated: boolean): Predicate {
  const texts = new Set(list);
  const numeric = list.filter((l) => shapeOf(l) !== 0);
  const shapes = numeric.map(shapeOf);
  const member = (v: string): boolean => {
    if (texts.has(v)) return true;
    const s = shapeOf(v);
    if (s === 0) return false;
    for (let i = 0; i < numeric.length; i++) {
      if ((shapes[i]! & s) !== 0 && compareValues(v, s, numeric[i]!, shapes[i]!) === 0) return true;
    }
    return false;
  };
  if (operand.kind === 'literal') return constant(member(operand.value) !== negated);
  const get = accessorFor(operand.ref);
  return (ctx) => {
    const v = get(ctx);
    return v !== undefined && member(v) !== negated;
  };
}

function compileAll(items: readonly Predicate[]): Predicate {
  return (ctx) => {
    for (let i = 0; i < items.length; i++) if (!items[i]!(ctx)) return false;
    return true;
  };
}

function compileAny(items: readonly Predicate[]): Predicate {
  return (ctx) => {
    for (let i = 0; i < items.length; i++) if (items[i]!(ctx)) return true;
    return false;
  };
}

export function compileNode(node: RuleNode): Predicate {
  switch (node.kind) {
    case 'or': return compileAny(node.items.map(compileNode));
    case 'and': return compileAll(node.items.map(compileNode));
    case 'not': { const item = compileNode(node.item); return (ctx) => !item(ctx); }
    case 'exists': { const get = accessorFor(node.ref); return (ctx) => get(ctx) !== undefined; }
    case 'compare': return compileCompare(node.op, node.left, node.right);
    case 'in': return compileIn(node.operand, node.list, node.negated);
  }
}
