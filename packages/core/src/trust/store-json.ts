/**
 * The trust store on a device's disk: one JSON document, written by encodeTrustStore in a
 * fixed key order (same store, same bytes) and read back defensively.
 *   { "format": "fleetpki-trust-store", "version": 1, "sequence": 3,
 *     "anchors": [ { "kind": "certificate", "der": "<base64>" },
 *                  { "kind": "certificate-sha256", "sha256": "<hex>" },
 *                  { "kind": "spki-sha256", "sha256": "<hex>" } ] }
 * JSON rather than DER: a device's disk is not a wire, people read and diff this file, and
 * every platform that runs the agent has a JSON parser. The certificates inside stay DER.
 */
import type { TrustAnchor } from '../path/types.js';
import { parseCertificate } from '../x509/certificate.js';
import { certificateAnchor, type PinKind, pinAnchor, SHA256_BYTES } from './anchor.js';
import { TRUST_ERRORS } from './codes.js';
import { MAX_BUNDLE_SEQUENCE, TrustStore } from './store.js';

export const TRUST_STORE_FORMAT = 'fleetpki-trust-store';
export const TRUST_STORE_VERSION = 1;
export const TRUST_STORE_LIMITS = { maxBytes: 1 << 20, maxAnchors: 256 } as const;

export type TrustStoreParseResult =
  | { readonly ok: true; readonly store: TrustStore }
  | { readonly ok: false; readonly code: 'TRUST_STORE_MALFORMED'; readonly message: string };

function anchorJson(a: TrustAnchor): Record<string, string> {
  return a.kind === 'certificate'
    ? { kind: a.kind, der: Buffer.from(a.certificate.der).toString('base64') }
    : { kind: a.kind, sha256: Buffer.from(a.sha256).toString('hex') };
}

/** Two-space indented JSON with a final newline; stable for a given store. */
export function encodeTrustStore(store: TrustStore): string {
  const doc = { format: TRUST_STORE_FORMAT, version: TRUST_STORE_VERSION, sequence: store.sequence, anchors: store.anchors().map(anchorJson) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

class Malformed extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function anchorFromJson(v: unknown, i: number): TrustAnchor {
  if (!isRecord(v)) throw new Malformed(`anchors[${i}] is not an object`);
  if (v['kind'] === 'certificate') {
    const der = v['der'];
    if (typeof der !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(der)) throw new Malformed(`anchors[${i}].der is not base64`);
    try {
      return certificateAnchor(parseCertificate(Buffer.from(der, 'base64')));
    } catch (e) {
      throw new Malformed(`anchors[${i}].der: ${(e as Error).message}`);
    }
  }
  if (v['kind'] === 'certificate-sha256' || v['kind'] === 'spki-sha256') {
    const hex = v['sha256'];
    if (typeof hex !== 'string' || !new RegExp(`^[0-9a-f]{${2 * SHA256_BYTES}}$`).test(hex)) throw new Malformed(`anchors[${i}].sha256 is not 64 lower-case hex digits`);
    return pinAnchor(v['kind'] as PinKind, Buffer.from(hex, 'hex'));
  }
  throw new Malformed(`anchors[${i}].kind is not certificate, certificate-sha256 or spki-sha256`);
}

function storeFromJson(doc: unknown): TrustStore {
  if (!isRecord(doc) || doc['format'] !== TRUST_STORE_FORMAT) throw new Malformed(`not a ${TRUST_STORE_FORMAT} document`);
  if (doc['version'] !== TRUST_STORE_VERSION) throw new Malformed(`unsupported version ${String(doc['version'])}`);
  const seq = doc['sequence'];
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > MAX_BUNDLE_SEQUENCE) throw new Malformed('sequence is not an integer 0..2^31-1');
  const anchors = doc['anchors'];
  if (!Array.isArray(anchors) || anchors.length > TRUST_STORE_LIMITS.maxAnchors) throw new Malformed(`anchors is not an array of at most ${TRUST_STORE_LIMITS.maxAnchors}`);
  return TrustStore.of(anchors.map(anchorFromJson), seq);
}

/** Reads what encodeTrustStore wrote (and hand-written equivalents); never throws. */
export function parseTrustStore(text: string): TrustStoreParseResult {
  const fail = (message: string): TrustStoreParseResult => ({ ok: false, code: 'TRUST_STORE_MALFORMED', message: `${TRUST_ERRORS.TRUST_STORE_MALFORMED}: ${message}` });
  if (text.length > TRUST_STORE_LIMITS.maxBytes) return fail(`over ${TRUST_STORE_LIMITS.maxBytes} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  try {
    return { ok: true, store: storeFromJson(doc) };
  } catch (e) {
    if (e instanceof Malformed) return fail(e.message);
    throw e;
  }
}
