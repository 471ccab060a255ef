/**
 * A batch manifest's content (the eContent of its CMS SignedData, manifest-envelope.ts):
 * UTF-8 JSON Lines, so that `openssl cms -verify ... -out manifest.jsonl` hands a person
 * something to read and `jq` something to query.
 *
 *   {"format":"fleetpki-batch-manifest/1","batchId":..,"ca":..,"caCertificateSha256":..,"manufacturer":..,"profile":..,"signedAt":..}
 *   {"deviceId":..,"serial":..,"sha256":..}        one per issued device, in device id order
 *   {"count":N}                                    the number of device lines
 *
 * Keys are written in this fixed order; the parser takes exactly these fields.
 */
import { ManifestError } from './codes.js';

export const MANIFEST_FORMAT = 'fleetpki-batch-manifest/1';
/** eContentType: a UUID OID (X.667, arc 2.25), so a signature on a manifest is never read as any other signed object. */
export const OID_BATCH_MANIFEST = '2.25.72841814334429466934361003356285487834';

export interface ManifestHeader {
  readonly batchId: string;
  readonly ca: string;
  /** Lower-case hex SHA-256 of the signing CA's certificate DER. */
  readonly caCertificateSha256: string;
  readonly manufacturer: string | null;
  readonly profile: string;
  /** ISO 8601. */
  readonly signedAt: string;
}

export interface ManifestLineEntry {
  readonly deviceId: string;
  /** Lower-case hex, as the store and the REST API show it. */
  readonly serial: string;
  /** Lower-case hex SHA-256 of the certificate DER. */
  readonly sha256: string;
}

export type ManifestLine =
  | { readonly kind: 'header'; readonly header: ManifestHeader }
  | { readonly kind: 'entry'; readonly entry: ManifestLineEntry }
  | { readonly kind: 'trailer'; readonly count: number };

export function manifestHeaderLine(h: ManifestHeader): string {
  const { batchId, ca, caCertificateSha256, manufacturer, profile, signedAt } = h;
  return `${JSON.stringify({ format: MANIFEST_FORMAT, batchId, ca, caCertificateSha256, manufacturer, profile, signedAt })}\n`;
}

export function manifestEntryLine(e: ManifestLineEntry): string {
  return `{"deviceId":${JSON.stringify(e.deviceId)},"serial":"${e.serial}","sha256":"${e.sha256}"}\n`;
}

export const manifestTrailerLine = (count: number): string => `{"count":${count}}\n`;

const HEX = /^[0-9a-f]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

function keysAre(o: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}

const malformed = (why: string): ManifestError => new ManifestError('MANIFEST_MALFORMED', `manifest content: ${why}`);

function asHeader(o: Record<string, unknown>): ManifestHeader {
  const text = ['batchId', 'ca', 'caCertificateSha256', 'profile', 'signedAt'] as const;
  if (o['format'] !== MANIFEST_FORMAT) throw malformed(`format is not ${MANIFEST_FORMAT}`);
  if (!text.every((k) => typeof o[k] === 'string') || !(o['manufacturer'] === null || typeof o['manufacturer'] === 'string')) throw malformed('a header field has the wrong type');
  if (!SHA256.test(o['caCertificateSha256'] as string)) throw malformed('caCertificateSha256 is not a SHA-256');
  const { batchId, ca, caCertificateSha256, manufacturer, profile, signedAt } = o as unknown as ManifestHeader;
  return { batchId, ca, caCertificateSha256, manufacturer, profile, signedAt };
}

/** One line (without its newline); MANIFEST_MALFORMED for anything but the three shapes above. */
export function parseManifestLine(line: string): ManifestLine {
  let o: unknown;
  try { o = JSON.parse(line); } catch { throw malformed('a line is not JSON'); }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw malformed('a line is not a JSON object');
  const r = o as Record<string, unknown>;
  if (keysAre(r, ['format', 'batchId', 'ca', 'caCertificateSha256', 'manufacturer', 'profile', 'signedAt'])) return { kind: 'header', header: asHeader(r) };
  if (keysAre(r, ['deviceId', 'serial', 'sha256'])) {
    const { deviceId, serial, sha256 } = r;
    if (typeof deviceId !== 'string' || typeof serial !== 'string' || !HEX.test(serial) || typeof sha256 !== 'string' || !SHA256.test(sha256)) {
      throw malformed('a device line has the wrong types');
    }
    return { kind: 'entry', entry: { deviceId, serial, sha256 } };
  }
  if (keysAre(r, ['count']) && Number.isSafeInteger(r['count']) && (r['count'] as number) >= 0) return { kind: 'trailer', count: r['count'] as number };
  throw malformed('a line is neither the header, a device nor the count');
}
