/**
 * Whether names fall within NameConstraints (RFC 5280 4.2.1.10). Used by the CA before it
 * signs under a constrained manufacturer CA; the path validator applies the same rules.
 * A name type with no permitted subtree of its type is unconstrained by `permitted`.
 */
import { type GeneralName, ipToBytes, isDnsName, isMailbox } from './general-name.js';
import type { NameConstraints, Subtree } from './extensions/name-constraints.js';
import { type Name, nameWithin } from './name.js';

const lower = (s: string): string => s.toLowerCase();

/** dNSName: zero or more labels added on the left satisfy the constraint. */
export function dnsWithin(name: string, base: string): boolean {
  const n = lower(name).replace(/\.$/, '');
  const b = lower(base).replace(/\.$/, '');
  if (b === '') return true;
  if (b.startsWith('.')) return n.endsWith(b);
  return n === b || n.endsWith(`.${b}`);
}

/** URI: the constraint applies to the host; ".example.com" means any subdomain, else exact host. */
export function uriHost(uri: string): string | null {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(uri);
  return m && m[1] ? lower(m[1]) : null;
}

export function uriWithin(uri: string, base: string): boolean {
  const host = uriHost(uri);
  if (host === null) return false;
  const b = lower(base);
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

/** rfc822Name: a mailbox, a host (exact), or ".domain" (any subdomain). */
export function emailWithin(email: string, base: string): boolean {
  const e = lower(email);
  const b = lower(base);
  if (b.includes('@')) return e === b;
  const host = e.slice(e.lastIndexOf('@') + 1);
  return b.startsWith('.') ? host.endsWith(b) : host === b;
}

export function ipWithin(ip: string, cidr: string): boolean {
  const [addr = '', len = ''] = cidr.split('/');
  const a = ipToBytes(ip);
  const b = ipToBytes(addr);
  if (a.length !== b.length) return false;
  const bits = len === '' ? a.length * 8 : Number(len);
  for (let i = 0; i < bits; i++) {
    const m = 0x80 >> (i & 7);
    if (((a[i >> 3] as number) & m) !== ((b[i >> 3] as number) & m)) return false;
  }
  return true;
}

function within(n: GeneralName, s: Subtree): boolean | null {
  if (n.type !== s.type) return null;
  switch (n.type) {
    case 'dns': return dnsWithin(n.value, (s as typeof n).value);
    case 'uri': return uriWithin(n.value, (s as typeof n).value);
    case 'email': return emailWithin(n.value, (s as typeof n).value);
    case 'ip': return ipWithin(n.value, (s as typeof n).value);
    case 'dn': return nameWithin(n.value, (s as typeof n).value);
    case 'hardwareModuleName': return n.hwType === (s as typeof n).hwType;
    default: return null;
  }
}

export interface ConstraintViolation { readonly name: GeneralName; readonly reason: 'not_permitted' | 'excluded' }

/** The first name outside the constraints, or null. A non-empty subject counts as a directoryName. */
export function findNameConstraintViolation(nc: NameConstraints, subject: Name, sans: readonly GeneralName[]): ConstraintViolation | null {
  const names: GeneralName[] = subject.length ? [{ type: 'dn', value: subject }, ...sans] : [...sans];
  for (const name of names) {
    if (nc.excluded.some((s) => within(name, s) === true)) return { name, reason: 'excluded' };
    const sameType = nc.permitted.filter((s) => s.type === name.type);
    if (sameType.length && !sameType.some((s) => within(name, s) === true)) return { name, reason: 'not_permitted' };
  }
  return null;
}

/*
 * The validator's name-constraint matching (RFC 5280 4.2.1.10, 6.1.3 (b)-(c)). Stricter than
 * the CA-side helpers above: malformed constraints and malformed names fail closed, wildcard
 * dNSNames are matched by every name they could stand for, and name forms we cannot evaluate
 * are refused when a constraint of that form exists ("MUST either process the constraint or
 * reject the certificate").
 */

const host = (s: string): string => (s.endsWith('.') ? s.slice(0, -1) : s).toLowerCase();
const domainWithin = (name: string, base: string): boolean => name === base || name.endsWith(`.${base}`);

function dnsSubtreeValid(base: string): boolean {
  return base === '' || isDnsName(base);
}

function emailSubtreeValid(base: string): boolean {
  if (base.includes('@')) return isMailbox(base);
  return isDnsName(base.startsWith('.') ? base.slice(1) : base);
}

function uriSubtreeValid(base: string): boolean {
  return isDnsName(base.startsWith('.') ? base.slice(1) : base);
}

function subtreeValid(s: Subtree): boolean {
  switch (s.type) {
    case 'dns': return dnsSubtreeValid(s.value);
    case 'email': return emailSubtreeValid(s.value);
    case 'uri': return uriSubtreeValid(s.value);
    default: return true;
  }
}

const validity = new WeakMap<NameConstraints, boolean>();

/** Whether every subtree is well formed (dNSName without wildcard or leading period, RFC 5280 4.2.1.10). */
export function nameConstraintsValid(nc: NameConstraints): boolean {
  let v = validity.get(nc);
  if (v === undefined) {
    // GeneralSubtrees ::= SEQUENCE SIZE (1..MAX): an empty NameConstraints is malformed.
    v = nc.permitted.length + nc.excluded.length > 0 && !nc.irregular && nc.permitted.every(subtreeValid) && nc.excluded.every(subtreeValid);
    validity.set(nc, v);
  }
  return v;
}

/** dNSName "*.X" stands for every one-label extension of X. */
function dnsInSubtree(name: string, base: string, forExclusion: boolean): boolean {
  const b = host(base);
  if (b === '') return true;
  const n = host(name);
  if (!n.startsWith('*.')) return domainWithin(n, b);
  const rest = n.slice(2);
  if (domainWithin(rest, b)) return true;
  // Excluded "bar.example.com" also catches "*.example.com" (CVE-2025-61727).
  return forExclusion && b.endsWith(`.${rest}`) && !b.slice(0, -rest.length - 1).includes('.');
}

function emailInSubtree(email: string, base: string): boolean {
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1).toLowerCase();
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return email.slice(0, at) === base.slice(0, bat) && domain === base.slice(bat + 1).toLowerCase();
  }
  const b = base.toLowerCase();
  return b.startsWith('.') ? domain.endsWith(b) : domain === b;
}

function uriInSubtree(uri: string, base: string): boolean {
  const h = uriHost(uri);
  if (h === null) return false;
  const b = base.toLowerCase();
  return b.startsWith('.') ? h.endsWith(b) : h === b;
}

/** Whether `n` falls in subtree `s` of the same type; null when the form cannot be evaluated. */
function inSubtree(n: GeneralName, s: Subtree, forExclusion: boolean): boolean | null {
  switch (n.type) {
    case 'dns': return dnsInSubtree(n.value, (s as typeof n).value, forExclusion);
    case 'email': return emailInSubtree(n.value, (s as typeof n).value);
    case 'uri': return uriInSubtree(n.value, (s as typeof n).value);
    case 'ip': return ipWithin(n.value, (s as typeof n).value);
    case 'dn': return nameWithin(n.value, (s as typeof n).value);
    case 'hardwareModuleName': return n.hwType === (s as typeof n).hwType;
    case 'otherName': return n.typeId === (s as typeof n).typeId;
    default: return null;
  }
}

function nameValid(n: GeneralName): boolean {
  switch (n.type) {
    case 'dns': return isDnsName(n.value, true);
    case 'email': return isMailbox(n.value);
    default: return true;
  }
}

export type NameCheckOutcome = 'ok' | 'excluded' | 'not_permitted' | 'invalid';

/**
 * One name against one NameConstraints. `cost` counts subtree comparisons so a hostile
 * certificate (thousands of names times thousands of subtrees) can be cut off by the caller.
 */
export function checkNameInConstraints(nc: NameConstraints, n: GeneralName, cost: { n: number }): NameCheckOutcome {
  let sameTypePermitted = false;
  let permitted = false;
  for (const s of nc.excluded) {
    if (s.type !== n.type) continue;
    cost.n++;
    if (!nameValid(n)) return 'invalid';
    const r = inSubtree(n, s, true);
    if (r !== false) return 'excluded';
  }
  for (const s of nc.permitted) {
    if (s.type !== n.type) continue;
    cost.n++;
    sameTypePermitted = true;
    if (!nameValid(n)) return 'invalid';
    const r = inSubtree(n, s, false);
    if (r === null) return 'not_permitted';
    if (r) { permitted = true; break; }
  }
  return sameTypePermitted && !permitted ? 'not_permitted' : 'ok';
}
