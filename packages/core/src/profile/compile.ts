/**
 * ProfileSpec -> Profile: validated once, every problem reported, then frozen with the
 * static extension DER precomputed (Boulder's ProfileConfig -> Profile).
 */
import { PkiError } from '../errors.js';
import { KEY_TYPES, type KeyType } from '../crypto/public-key.js';
import { encodeBasicConstraints } from '../x509/extensions/basic-constraints.js';
import { encodeExtension, EXTENSION_OIDS } from '../x509/extensions/extension.js';
import { encodeExtKeyUsage, KEY_PURPOSES, type KeyPurposeName } from '../x509/extensions/ext-key-usage.js';
import { encodeKeyUsage, KEY_USAGE_BITS, type KeyUsageName } from '../x509/extensions/key-usage.js';
import { NULL_EXTENSION_VALUE } from '../x509/extensions/distribution.js';
import { NAME_ATTRIBUTES } from '../x509/name.js';
import { parseDuration } from './duration.js';
import type { NameRule, ProfileKind, ProfileSpec } from './spec.js';

export type SanKind = 'dns' | 'ip' | 'email' | 'uri' | 'hardwareModuleName' | 'deviceId';
export const SAN_KINDS: readonly SanKind[] = ['dns', 'ip', 'email', 'uri', 'hardwareModuleName', 'deviceId'];

export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly kind: ProfileKind;
  readonly isCa: boolean;
  readonly keyTypes: ReadonlySet<KeyType>;
  readonly defaultValiditySeconds: number;
  readonly maxValiditySeconds: number;
  readonly backdateSeconds: number;
  readonly subjectAllowed: ReadonlySet<string>;
  readonly subjectRequired: readonly string[];
  readonly san: Readonly<Record<SanKind, NameRule>>;
  readonly maxNames: number;
  readonly keyUsage: readonly KeyUsageName[];
  readonly extKeyUsage: readonly KeyPurposeName[];
  readonly pathLenConstraint: number | null;
  readonly crlDistributionPoints: boolean;
  readonly authorityInfoAccess: boolean;
  readonly noRevAvail: boolean;
  /** basicConstraints, keyUsage, extKeyUsage, ocspNoCheck, noRevAvail: the same bytes for every certificate. */
  readonly staticExtensions: Uint8Array;
}

type Issues = string[];

function checkDurations(spec: ProfileSpec, issues: Issues): { def: number; max: number; back: number } {
  const def = parseDuration(spec.validity?.default ?? '');
  const max = parseDuration(spec.validity?.max ?? '');
  const back = spec.backdate === undefined ? 0 : parseDuration(spec.backdate);
  if (def === null) issues.push('validity.default: not a duration');
  if (max === null) issues.push('validity.max: not a duration');
  if (back === null) issues.push('backdate: not a duration');
  if (def !== null && max !== null && def > max) issues.push('validity.default: exceeds validity.max');
  return { def: def ?? 0, max: max ?? 0, back: back ?? 0 };
}

function checkLists(spec: ProfileSpec, issues: Issues): void {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(spec.name ?? '')) issues.push('name: lower-case letters, digits and dashes');
  if (!['root', 'ca', 'end-entity'].includes(spec.kind)) issues.push('kind: root, ca or end-entity');
  for (const k of spec.keyTypes ?? []) if (!KEY_TYPES.includes(k)) issues.push(`keyTypes: unknown ${k}`);
  if (!spec.keyTypes?.length) issues.push('keyTypes: at least one');
  for (const u of spec.keyUsage ?? []) if (!(u in KEY_USAGE_BITS)) issues.push(`keyUsage: unknown ${u}`);
  for (const p of spec.extKeyUsage ?? []) if (!(p in KEY_PURPOSES)) issues.push(`extKeyUsage: unknown ${p}`);
  for (const a of [...(spec.subject?.allowed ?? []), ...(spec.subject?.required ?? [])]) {
    if (!(a in NAME_ATTRIBUTES)) issues.push(`subject: unknown attribute ${a}`);
  }
  for (const r of spec.subject?.required ?? []) if (!spec.subject.allowed.includes(r)) issues.push(`subject.required: ${r} is not allowed`);
  for (const [k, v] of Object.entries(spec.san ?? {})) {
    if (k === 'maxNames') { if (!Number.isInteger(v) || (v as number) < 1) issues.push('san.maxNames: a positive integer'); }
    else if (!SAN_KINDS.includes(k as SanKind)) issues.push(`san: unknown name kind ${k}`);
    else if (!['forbidden', 'optional', 'required'].includes(v as string)) issues.push(`san.${k}: forbidden, optional or required`);
  }
}

/** RFC 5280 4.2.1.9 and 4.2.1.3: CA certificates assert cA and keyCertSign; end entities neither. */
function checkCaShape(spec: ProfileSpec, issues: Issues): void {
  const isCa = spec.kind !== 'end-entity';
  const ku = spec.keyUsage ?? [];
  if (isCa && !ku.includes('keyCertSign')) issues.push('keyUsage: a CA profile needs keyCertSign (RFC 5280 4.2.1.9)');
  if (!isCa && (ku.includes('keyCertSign') || ku.includes('cRLSign'))) issues.push('keyUsage: keyCertSign/cRLSign only in CA profiles');
  if (!isCa && spec.pathLenConstraint !== undefined) issues.push('pathLenConstraint: only in CA profiles (RFC 5280 4.2.1.9)');
  const pl = spec.pathLenConstraint;
  if (pl !== undefined && pl !== null && (!Number.isInteger(pl) || pl < 0 || pl > 8)) issues.push('pathLenConstraint: 0..8 or null');
  if (spec.extensions?.ocspNoCheck && !spec.extKeyUsage?.includes('OCSPSigning')) issues.push('extensions.ocspNoCheck: only with OCSPSigning');
}

function staticExtensions(spec: ProfileSpec, isCa: boolean): Buffer {
  // RFC 5280 4.2.1.9: basicConstraints critical in CA certificates; we mark it critical everywhere.
  const parts = [encodeExtension(EXTENSION_OIDS.basicConstraints, true,
    encodeBasicConstraints({ cA: isCa, pathLenConstraint: spec.pathLenConstraint ?? null }))];
  if (spec.keyUsage.length) parts.push(encodeExtension(EXTENSION_OIDS.keyUsage, true, encodeKeyUsage(spec.keyUsage)));
  if (spec.extKeyUsage?.length) parts.push(encodeExtension(EXTENSION_OIDS.extKeyUsage, false, encodeExtKeyUsage(spec.extKeyUsage)));
  if (spec.extensions?.ocspNoCheck) parts.push(encodeExtension(EXTENSION_OIDS.ocspNoCheck, false, NULL_EXTENSION_VALUE));
  if (spec.extensions?.noRevAvail) parts.push(encodeExtension(EXTENSION_OIDS.noRevAvail, false, NULL_EXTENSION_VALUE));
  return Buffer.concat(parts);
}

export function compileProfile(spec: ProfileSpec): Profile {
  const issues: Issues = [];
  checkLists(spec, issues);
  checkCaShape(spec, issues);
  const d = checkDurations(spec, issues);
  if (issues.length) {
    throw new PkiError('PROFILE_INVALID', `profile ${spec.name}: ${issues.join('; ')}`, { detail: { profile: spec.name, issues } });
  }
  const isCa = spec.kind !== 'end-entity';
  const san = Object.fromEntries(SAN_KINDS.map((k) => [k, spec.san[k] ?? 'forbidden'])) as Record<SanKind, NameRule>;
  return Object.freeze({
    name: spec.name, description: spec.description ?? '', kind: spec.kind, isCa,
    keyTypes: new Set(spec.keyTypes),
    defaultValiditySeconds: d.def, maxValiditySeconds: d.max, backdateSeconds: d.back,
    subjectAllowed: new Set(spec.subject.allowed), subjectRequired: Object.freeze([...spec.subject.required]),
    san: Object.freeze(san), maxNames: spec.san.maxNames ?? 16,
    keyUsage: Object.freeze([...spec.keyUsage]), extKeyUsage: Object.freeze([...(spec.extKeyUsage ?? [])]),
    pathLenConstraint: isCa ? spec.pathLenConstraint ?? null : null,
    crlDistributionPoints: spec.extensions?.crlDistributionPoints ?? false,
    authorityInfoAccess: spec.extensions?.authorityInfoAccess ?? false,
    noRevAvail: spec.extensions?.noRevAvail ?? false,
    staticExtensions: staticExtensions(spec, isCa),
  });
}

/** Compiles a set; names must be unique. All problems of all profiles are reported together. */
export function compileProfiles(specs: readonly ProfileSpec[]): ReadonlyMap<string, Profile> {
  const out = new Map<string, Profile>();
  const issues: string[] = [];
  for (const spec of specs) {
    try {
      if (out.has(spec.name)) throw new PkiError('PROFILE_INVALID', `profile ${spec.name}: defined twice`);
      out.set(spec.name, compileProfile(spec));
    } catch (e) {
      if (e instanceof PkiError) issues.push(e.message); else throw e;
    }
  }
  if (issues.length) throw new PkiError('PROFILE_INVALID', issues.join('\n'), { detail: { issues } });
  return out;
}
