/**
 * The SubjectAltName a certificate will carry: the CSR's names plus the device id URI,
 * checked kind by kind against the profile's rules.
 */
import { PkiError } from '../errors.js';
import type { Profile, SanKind } from '../profile/compile.js';
import type { GeneralName } from '../x509/general-name.js';
import { nameAttributeValues, type Name } from '../x509/name.js';

/** Device ids are URI-safe and printable, so they fit a URI, a serialNumber and a file name. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export function checkDeviceId(id: string): string {
  if (!DEVICE_ID_PATTERN.test(id)) {
    throw new PkiError('DEVICE_ID_INVALID', 'device id must be 1-128 of A-Z a-z 0-9 . _ : - and start with a letter or digit');
  }
  return id;
}

function kindOf(g: GeneralName, prefix: string): SanKind {
  switch (g.type) {
    case 'dns': case 'ip': case 'email': case 'hardwareModuleName': return g.type;
    case 'uri': return g.value.startsWith(prefix) ? 'deviceId' : 'uri';
    default: throw new PkiError('PROFILE_VIOLATION', `SAN ${g.type} is not issued`, { detail: { san: g.type } });
  }
}

/** The device id: the request's, else the CSR's device URI, else the subject serialNumber (IDevID). */
export function resolveDeviceId(requested: string | undefined, sans: readonly GeneralName[], subject: Name, prefix: string): string | null {
  const fromUri = sans.flatMap((g) => (g.type === 'uri' && g.value.startsWith(prefix) ? [g.value.slice(prefix.length)] : []));
  if (fromUri.length > 1) throw new PkiError('PROFILE_VIOLATION', 'more than one device id URI');
  if (requested !== undefined && fromUri[0] !== undefined && fromUri[0] !== requested) {
    throw new PkiError('PROFILE_VIOLATION', 'the CSR names a different device id than the request', { detail: { requested, csr: fromUri[0] } });
  }
  const id = requested ?? fromUri[0] ?? nameAttributeValues(subject, 'serialNumber')[0];
  return id === undefined ? null : checkDeviceId(id);
}

export function buildSubjectAltNames(profile: Profile, csrSans: readonly GeneralName[], deviceId: string | null, prefix: string): GeneralName[] {
  const names = csrSans.filter((g) => !(g.type === 'uri' && g.value.startsWith(prefix)));
  if (deviceId !== null && profile.san.deviceId !== 'forbidden') names.push({ type: 'uri', value: prefix + deviceId });
  const present = new Set(names.map((g) => kindOf(g, prefix)));
  for (const [kind, rule] of Object.entries(profile.san) as [SanKind, string][]) {
    if (rule === 'forbidden' && present.has(kind)) throw new PkiError('PROFILE_VIOLATION', `profile ${profile.name} does not allow ${kind} names`, { detail: { san: kind } });
    if (rule === 'required' && !present.has(kind)) throw new PkiError('PROFILE_VIOLATION', `profile ${profile.name} requires a ${kind} name`, { detail: { san: kind } });
  }
  if (names.length > profile.maxNames) throw new PkiError('PROFILE_VIOLATION', `at most ${profile.maxNames} subject alternative names`);
  for (const g of names) {
    if (g.type === 'dns' && !DNS_NAME.test(g.value)) throw new PkiError('PROFILE_VIOLATION', `"${g.value}" is not a DNS name`, { detail: { san: 'dns' } });
  }
  return names;
}
