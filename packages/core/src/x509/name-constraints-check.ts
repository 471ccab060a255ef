/**
 * Whether names fall within NameConstraints (RFC 5280 4.2.1.10). Used by the CA before it
 * signs under a constrained manufacturer CA; the path validator applies the same rules.
 * A name type with no permitted subtree of its type is unconstrained by `permitted`.
 */
import { type GeneralName, ipToBytes } from './general-name.js';
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
