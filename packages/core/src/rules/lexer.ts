/**
 * The rule language's tokens (grammar in parse.ts and docs/rules.md). Positions are
 * 1-based character offsets into the rule text, so an operator can count to them.
 */
import { PkiError } from '../errors.js';

export type Token =
  | { readonly kind: 'path'; readonly segments: readonly string[]; readonly position: number }
  | { readonly kind: 'string' | 'number'; readonly value: string; readonly position: number }
  | { readonly kind: 'op' | 'punct' | 'keyword'; readonly value: string; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

export const KEYWORDS: ReadonlySet<string> = new Set(['in', 'not', 'exists']);

export function ruleError(message: string, position: number): PkiError {
  return new PkiError('RULE_INVALID', `${message} at position ${position}`, { detail: { position } });
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_-]/.test(c);
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!'] as const;

function describe(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return cp > 0x20 && cp < 0x7f ? `'${c}'` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

class Lexer {
  private i = 0;
  readonly tokens: Token[] = [];
  constructor(private readonly text: string) {}

  run(): readonly Token[] {
    for (;;) {
      while (' \t\r\n'.includes(this.text[this.i] ?? 'x')) this.i++;
      if (this.i >= this.text.length) break;
      this.tokens.push(this.token());
    }
    this.tokens.push({ kind: 'end', position: this.text.length + 1 });
    return this.tokens;
  }

  private token(): Token {
    const c = this.text[this.i]!;
    const position = this.i + 1;
    if ('()[],'.includes(c)) { this.i++; return { kind: 'punct', value: c, position }; }
    if (c === '"') return { kind: 'string', value: this.string(), position };
    if (isDigit(c) || (c === '-' && isDigit(this.text[this.i + 1]))) return { kind: 'number', value: this.number(), position };
    if (isNameStart(c)) return this.word(position);
    const op = OPERATORS.find((o) => this.text.startsWith(o, this.i));
    if (op !== undefined) { this.i += op.length; return { kind: 'op', value: op, position }; }
    if (c === '=') throw ruleError("'=' is not an operator: write == for equality", position);
    if (c === '&' || c === '|') throw ruleError(`'${c}' is not an operator: write ${c}${c}`, position);
    throw ruleError(`unexpected character ${describe(String.fromCodePoint(this.text.codePointAt(this.i)!))}`, position);
  }

  /** "..." with \" and \\ as the only escapes. */
  private string(): string {
    const start = this.i + 1;
    let out = '';
    for (this.i++; this.i < this.text.length; this.i++) {
      const c = this.text[this.i]!;
      if (c === '"') { this.i++; return out; }
      if (c === '\\') {
        const e = this.text[++this.i];
        if (e !== '"' && e !== '\\') throw ruleError('unknown escape: only \\" and \\\\ are escapes', this.i);
        out += e;
      } else out += c;
    }
    throw ruleError('unterminated string', start);
  }

  /** -?digits(.digits)*: kept as written; comparison reads its shape (compare.ts). */
  private number(): string {
    const start = this.i;
    if (this.text[this.i] === '-') this.i++;
    for (;;) {
      if (!isDigit(this.text[this.i])) throw ruleError('malformed number', start + 1);
      while (isDigit(this.text[this.i])) this.i++;
      if (this.text[this.i] !== '.') break;
      this.i++;
    }
    if (isNameChar(this.text[this.i]) || this.text[this.i] === '.') throw ruleError('malformed number (a name cannot start with a digit: write attributes["..."])', start + 1);
    return this.text.slice(start, this.i);
  }

  /** A keyword, or a whole path with its `.name` and `["name"]` accessors (no spaces inside). */
  private word(position: number): Token {
    const first = this.name();
    if (KEYWORDS.has(first)) return { kind: 'keyword', value: first, position };
    const segments = [first];
    for (;;) {
      const c = this.text[this.i];
      if (c === '.') {
        this.i++;
        if (!isNameChar(this.text[this.i])) throw ruleError('expected a name after .', this.i + 1);
        segments.push(this.name());
      } else if (c === '[') {
        this.i++;
        if (this.text[this.i] !== '"') throw ruleError('expected a "quoted name" after [', this.i + 1);
        const at = this.i + 1;
        const key = this.string();
        if (key === '') throw ruleError('empty name', at);
        if (this.text[this.i] !== ']') throw ruleError('expected ]', this.i + 1);
        this.i++;
        segments.push(key);
      } else return { kind: 'path', segments, position };
    }
  }

  private name(): string {
    const start = this.i;
    while (isNameChar(this.text[this.i])) this.i++;
    return this.text.slice(start, this.i);
  }
}

export function tokenize(text: string): readonly Token[] {
  return new Lexer(text).run();
}
