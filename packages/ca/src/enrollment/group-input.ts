/**
 * An enrollment group from admin input, checked once into an EnrollmentGroupRecord: the
 * label is an EST label (RFC 7030 3.2.2: one path segment, so URL-safe characters only),
 * anchors are parsed certificates, the pattern compiles, the profile issues device ids.
 */
import { fromPemAll, parseCertificate, type Profile } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import { checkAttributes } from '../issue/attributes.js';
import type { ApprovalMode, BootstrapReuse, EnrollmentGroupRecord, ServerKeygenEncryption } from '../ports/enrollment-store.js';

export interface EnrollmentGroupInput {
  readonly label: string;
  readonly profile: string;
  /** PEM certificates (one string may hold several). */
  readonly anchors: readonly string[];
  readonly caName?: string;
  readonly deviceIdPattern?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly approval?: ApprovalMode;
  readonly rateLimit?: { readonly requests: number; readonly perSeconds: number } | null;
  /** 'once' (default), a number of uses, or 'until-operational'. */
  readonly bootstrapReuse?: 'once' | 'until-operational' | number;
  readonly reenrollWithBootstrap?: boolean;
  readonly popLinking?: boolean;
  readonly webhook?: { readonly url: string; readonly timeoutMs?: number } | null;
  readonly retryAfterSeconds?: number;
  /** Default 'required' (docs/est.md "serverkeygen"). */
  readonly serverKeygenEncryption?: ServerKeygenEncryption;
}

export const LABEL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Any device id core accepts (DEVICE_ID_PATTERN); groups narrow it. */
export const DEFAULT_DEVICE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';
export const MAX_ANCHORS = 32;
const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;

const invalid = (field: string, message: string): ServiceError => new ServiceError('REQUEST_INVALID', `${field}: ${message}`, { field });

function parseAnchors(pems: readonly string[]): Uint8Array[] {
  const ders = pems.flatMap((p) => {
    if (typeof p !== 'string') throw invalid('anchors', 'PEM strings');
    return fromPemAll(p, ['CERTIFICATE']).map((b) => b.der);
  });
  if (ders.length === 0 || ders.length > MAX_ANCHORS) throw invalid('anchors', `1-${MAX_ANCHORS} certificates`);
  for (const der of ders) {
    const c = parseCertificate(der);
    if (!c.basicConstraints?.cA) throw invalid('anchors', `${c.serial} is not a CA certificate`);
  }
  return ders.map((d) => new Uint8Array(d));
}

/** Compiled here only to check it; enroll compiles it again from the stored source. */
function checkPattern(source: string): string {
  try { new RegExp(source, 'u'); } catch { throw invalid('deviceIdPattern', 'not a valid regular expression'); }
  if (!source.startsWith('^') || !source.endsWith('$')) throw invalid('deviceIdPattern', 'must be anchored with ^ and $');
  return source;
}

function bootstrapReuse(v: EnrollmentGroupInput['bootstrapReuse']): BootstrapReuse {
  if (v === undefined || v === 'once') return { kind: 'once' };
  if (v === 'until-operational') return { kind: 'until-operational' };
  if (Number.isInteger(v) && v >= 1 && v <= 1_000_000) return { kind: 'times', times: v };
  throw invalid('bootstrapReuse', "'once', 'until-operational' or a number of uses 1-1000000");
}

function rateLimit(v: EnrollmentGroupInput['rateLimit']): EnrollmentGroupRecord['rateLimit'] {
  if (v === undefined || v === null) return null;
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!ok(v.requests, 1_000_000) || !ok(v.perSeconds, 86_400)) throw invalid('rateLimit', 'requests 1-1000000 per 1-86400 seconds');
  return { requests: v.requests, perSeconds: v.perSeconds };
}

function webhook(v: EnrollmentGroupInput['webhook']): EnrollmentGroupRecord['webhook'] {
  if (v === undefined || v === null) return null;
  let url: URL;
  try { url = new URL(v.url); } catch { throw invalid('webhook.url', 'not a URL'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('webhook.url', 'http or https');
  const timeoutMs = v.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw invalid('webhook.timeoutMs', '100-60000');
  return { url: url.href, timeoutMs };
}

/** Which profiles a group may issue: end-entity profiles that carry a device id. */
export function checkGroupProfile(profile: Profile | undefined, name: string): Profile {
  if (!profile) throw new ServiceError('PROFILE_NOT_FOUND', `no profile named ${name}`, { profile: name });
  if (profile.isCa || profile.san.deviceId === 'forbidden') {
    throw new ServiceError('PROFILE_NOT_ALLOWED', `profile ${name} does not issue device identities`, { profile: name });
  }
  return profile;
}

export function groupRecord(input: EnrollmentGroupInput, caName: string, createdAt: Date): EnrollmentGroupRecord {
  if (typeof input.label !== 'string' || !LABEL_PATTERN.test(input.label)) throw invalid('label', '1-63 of a-z 0-9 . _ - starting with a letter or digit');
  if (input.approval !== undefined && input.approval !== 'automatic' && input.approval !== 'manual') throw invalid('approval', "'automatic' or 'manual'");
  const retryAfterSeconds = input.retryAfterSeconds ?? 60;
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1 || retryAfterSeconds > 86_400) throw invalid('retryAfterSeconds', '1-86400');
  const serverKeygenEncryption = input.serverKeygenEncryption ?? 'required';
  if (serverKeygenEncryption !== 'none' && serverKeygenEncryption !== 'required') throw invalid('serverKeygenEncryption', "'none' or 'required'");
  return Object.freeze({
    label: input.label, caName, profile: input.profile, anchorsDer: parseAnchors(input.anchors),
    deviceIdPattern: checkPattern(input.deviceIdPattern ?? DEFAULT_DEVICE_ID_PATTERN),
    attributes: checkAttributes(input.attributes ?? {}), approval: input.approval ?? 'automatic',
    rateLimit: rateLimit(input.rateLimit), bootstrapReuse: bootstrapReuse(input.bootstrapReuse),
    reenrollWithBootstrap: input.reenrollWithBootstrap ?? false, popLinking: input.popLinking ?? false,
    webhook: webhook(input.webhook), retryAfterSeconds, serverKeygenEncryption, createdAt,
  });
}
