/**
 * Who a validated client certificate names: the device id from its device URI SAN
 * (`device://<namespace>/<id>`, decision 002), else the id the registry recorded for its
 * serial; and its subject attributes by short name, for rules and access patterns.
 * Only certificates that passed path validation get here, so the issuing CA vouches for
 * the URI (and name constraints bind a manufacturer CA's namespace).
 */
import { checkDeviceId, isPkiError, type Certificate } from '@fleetpki/core';

const DEVICE_URI = /^device:\/\/[^/]+\/([^/?#]+)$/;

/** The device id in the certificate's device URI SAN, or null (none, or not a valid id). */
export function deviceIdOf(cert: Certificate): string | null {
  for (const n of cert.subjectAltNames) {
    if (n.type !== 'uri') continue;
    const m = DEVICE_URI.exec(n.value);
    if (!m) continue;
    try {
      return checkDeviceId(decodeURIComponent(m[1]!));
    } catch (e) {
      if (isPkiError(e) || e instanceof URIError) continue;
      throw e;
    }
  }
  return null;
}

/** Subject attributes by short name (the first of each type), e.g. { CN: "sensor-1", O: "Acme" }. */
export function subjectRecord(cert: Certificate): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rdn of cert.subject) {
    for (const a of rdn) if (!Object.hasOwn(out, a.type)) out[a.type] = a.value;
  }
  return Object.freeze(out);
}
