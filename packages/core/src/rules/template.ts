/**
 * Access patterns with variables, like AWS IoT policy variables: `devices/${device.id}/#`.
 * A pattern is parsed once into literal text and variables; each connection fills it in.
 *
 * Security: a value must never widen access. The caller's `valueOk` refuses any value that
 * could change the pattern's structure (a wildcard, a separator, an empty string), and a
 * pattern with a missing or refused value is dropped for that device, as AWS IoT drops a
 * policy statement whose variable cannot be resolved. It is never filled in literally.
 */
import { accessorFor, resolvePath, type Accessor, type RuleContext } from './context.js';

export interface Variable { readonly name: string; readonly get: Accessor }
export interface Template { readonly source: string; readonly parts: readonly (string | Variable)[] }

/** Is `value` safe here? `atStart`: the value would begin the filled-in text. */
export type ValueCheck = (value: string, atStart: boolean) => boolean;

const VARIABLE_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * `${device.id}`, `${cert.serial}`, `${cert.issuer}`, `${cert.profile}`, `${cert.subject.NAME}`,
 * `${attributes.NAME}` (or `${device.attributes.NAME}`); a `$` not followed by `{` is literal
 * (`$SYS`, `$aws`). Returns the template, or the problem.
 */
export function parseTemplate(source: string): Template | string {
  const parts: (string | Variable)[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('${', i);
    if (open < 0) { parts.push(source.slice(i)); break; }
    if (open > i) parts.push(source.slice(i, open));
    const close = source.indexOf('}', open + 2);
    if (close < 0) return `unclosed \${ at position ${open + 1}`;
    const name = source.slice(open + 2, close);
    const segments = name.split('.');
    const ref = VARIABLE_NAME.test(name) && !segments.includes('') ? resolvePath(segments, false) : `not a variable name: ${JSON.stringify(name)}`;
    if (typeof ref === 'string') return `\${${name}} at position ${open + 1}: ${ref}`;
    parts.push(Object.freeze({ name, get: accessorFor(ref) }));
    i = close + 1;
  }
  return Object.freeze({ source, parts: Object.freeze(parts) });
}

/** The pattern with every variable replaced by `placeholder`: what compile-time checks look at. */
export function templateShape(t: Template, placeholder: string): string {
  return t.parts.map((p) => (typeof p === 'string' ? p : placeholder)).join('');
}

export function hasVariables(t: Template): boolean {
  return t.parts.some((p) => typeof p !== 'string');
}

/** The concrete text for one connection, or null when a value is missing or refused. */
export function fillTemplate(t: Template, ctx: RuleContext, valueOk: ValueCheck): string | null {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') { out += p; continue; }
    const v = p.get(ctx);
    if (v === undefined || v === '' || !valueOk(v, out === '')) return null;
    out += v;
  }
  return out;
}
