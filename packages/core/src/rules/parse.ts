/**
 * The rule language's parser: text -> syntax tree, every error a PkiError RULE_INVALID
 * naming a 1-based position. The grammar (also in docs/rules.md):
 *
 *   expression  = conjunction { "||" conjunction } ;
 *   conjunction = condition { "&&" condition } ;
 *   condition   = negation | group | existence | comparison ;
 *   negation    = "!" ( negation | group | existence ) ;
 *   group       = "(" expression ")" ;
 *   existence   = "exists" "(" path ")" ;
 *   comparison  = operand ( compare-op operand | [ "not" ] "in" list ) ;
 *   compare-op  = "==" | "!=" | "<" | "<=" | ">" | ">=" ;
 *   list        = "[" literal { "," literal } "]" ;            (1 to 256 literals)
 *   operand     = path | literal ;
 *   literal     = string | number ;
 *   string      = '"' { any character but " and \ | '\"' | '\\' } '"' ;
 *   number      = [ "-" ] digit { digit } { "." digit { digit } } ;
 *   path        = name { "." name | "[" string "]" } ;           (no spaces inside)
 *   name        = ( letter | "_" ) { letter | digit | "_" | "-" } ;  (after "." a digit may lead)
 *
 * Precedence, tightest first: "!", comparison, "&&", "||". "!" applies only to a group, an
 * exists() or another "!": `!status == "x"` is refused rather than guessed; write
 * `!(status == "x")`. Comparisons do not chain. Limits: 4096 characters, nesting of groups
 * and negations 32 deep, lists of 256.
 */
import { resolvePath, type PathRef } from './context.js';
import { ruleError, tokenize, type Token } from './lexer.js';

export const RULE_LIMITS = Object.freeze({ maxLength: 4096, maxDepth: 32, maxListLength: 256 });

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Operand = { readonly kind: 'path'; readonly ref: PathRef } | { readonly kind: 'literal'; readonly value: string };
export type RuleNode =
  | { readonly kind: 'or' | 'and'; readonly items: readonly RuleNode[] }
  | { readonly kind: 'not'; readonly item: RuleNode }
  | { readonly kind: 'exists'; readonly ref: PathRef }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'in'; readonly negated: boolean; readonly operand: Operand; readonly list: readonly string[] };

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** Words that read as literals elsewhere; as names here they would silently mean attributes. */
const NOT_NAMES: ReadonlySet<string> = new Set(['true', 'false', 'null']);

function show(t: Token): string {
  switch (t.kind) {
    case 'end': return 'end of rule';
    case 'path': return `'${t.segments.join('.')}'`;
    case 'string': return 'a string';
    default: return `'${t.value}'`;
  }
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  parse(): RuleNode {
    const node = this.expression();
    if (this.peek().kind !== 'end') throw this.unexpected('&&, || or the end of the rule');
    return node;
  }

  private peek(): Token { return this.tokens[this.at]!; }
  private next(): Token { return this.tokens[this.at++]!; }
  private is(kind: Token['kind'], value?: string): boolean {
    const t = this.peek();
    return t.kind === kind && (value === undefined || ('value' in t && t.value === value));
  }
  private expect(kind: Token['kind'], value: string): void {
    if (!this.is(kind, value)) throw this.unexpected(`'${value}'`);
    this.at++;
  }
  private unexpected(wanted: string): Error {
    const t = this.peek();
    return ruleError(`expected ${wanted}, found ${show(t)}`, t.position);
  }

  private expression(): RuleNode { return this.chain('or', '||', () => this.conjunction()); }
  private conjunction(): RuleNode { return this.chain('and', '&&', () => this.condition()); }

  private chain(kind: 'or' | 'and', op: string, item: () => RuleNode): RuleNode {
    const items = [item()];
    while (this.is('op', op)) { this.at++; items.push(item()); }
    return items.length === 1 ? items[0]! : { kind, items };
  }

  private condition(): RuleNode {
    return this.startsUnary() ? this.unary() : this.comparison();
  }

  private startsUnary(): boolean {
    return this.is('op', '!') || this.is('punct', '(') || this.is('keyword', 'exists');
  }

  /** negation | group | existence, counting depth so that no input can exhaust the stack. */
  private unary(): RuleNode {
    const t = this.next();
    if (t.kind === 'keyword' && t.value === 'exists') return this.existence();
    if (++this.depth > RULE_LIMITS.maxDepth) throw ruleError(`nesting deeper than ${RULE_LIMITS.maxDepth}`, t.position);
    let node: RuleNode;
    if (t.kind === 'punct') {
      node = this.expression();
      this.expect('punct', ')');
    } else {
      if (!this.startsUnary()) throw this.unexpected("'(', exists( or ! after ! (write !(a == b))");
      node = { kind: 'not', item: this.unary() };
    }
    this.depth--;
    return node;
  }

  private existence(): RuleNode {
    this.expect('punct', '(');
    const operand = this.operand();
    if (operand.kind !== 'path') throw ruleError('exists() takes a path', this.tokens[this.at - 1]!.position);
    this.expect('punct', ')');
    return { kind: 'exists', ref: operand.ref };
  }

  private comparison(): RuleNode {
    const left = this.operand();
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.value)) {
      this.at++;
      return { kind: 'compare', op: t.value as CompareOp, left, right: this.operand() };
    }
    const negated = this.is('keyword', 'not');
    if (negated) this.at++;
    if (!this.is('keyword', 'in')) throw this.unexpected(negated ? "'in' after not" : 'a comparison operator, in or not in');
    this.at++;
    return { kind: 'in', negated, operand: left, list: this.list() };
  }

  private list(): readonly string[] {
    this.expect('punct', '[');
    const items = [this.listItem(0)];
    while (this.is('punct', ',')) {
      this.at++;
      items.push(this.listItem(items.length));
    }
    this.expect('punct', ']');
    return items;
  }

  private listItem(count: number): string {
    const t = this.peek();
    if (t.kind !== 'string' && t.kind !== 'number') throw this.unexpected('a string or number in the list');
    if (count === RULE_LIMITS.maxListLength) throw ruleError(`list longer than ${RULE_LIMITS.maxListLength}`, t.position);
    this.at++;
    return t.value;
  }

  private operand(): Operand {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'number') return { kind: 'literal', value: t.value };
    if (t.kind !== 'path') { this.at--; throw this.unexpected('a path, a string or a number'); }
    const [head] = t.segments;
    if (t.segments.length === 1 && NOT_NAMES.has(head!)) {
      throw ruleError(`'${head}' is not a value: quote a literal ("${head}") or write attributes.${head}`, t.position);
    }
    const ref = resolvePath(t.segments, true);
    if (typeof ref === 'string') throw ruleError(ref, t.position);
    return { kind: 'path', ref };
  }
}

/** Parses one rule; throws PkiError RULE_INVALID with `detail.position` (1-based). */
export function parseRule(text: string): RuleNode {
  if (typeof text !== 'string') throw ruleError('a rule is a string', 1);
  if (text.length > RULE_LIMITS.maxLength) throw ruleError(`rule longer than ${RULE_LIMITS.maxLength} characters`, RULE_LIMITS.maxLength + 1);
  const tokens = tokenize(text);
  if (tokens.length === 1) throw ruleError('empty rule', 1);
  return new Parser(tokens).parse();
}
