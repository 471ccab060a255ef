/**
 * Inputs of the `trust` commands: anchors given as certificate files or pins, trust stores
 * as the JSON a device keeps, instants as RFC 3339, and how an anchor is shown.
 */
import { InvalidArgumentError } from 'commander';
import {
  anchorLabel, certificateAnchor, formatName, parseCertificate, parsePin, parseTrustStore, TrustStore, type TrustAnchor,
} from '@fleetpki/core';
import { CliError, UsageError } from './errors.js';
import { readCertificateBundle, readInputFile } from './inputs.js';

/** RFC 3339 section 5.6 date-time, with an explicit offset (no local-time guessing). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function rfc3339Arg(text: string): Date {
  const d = new Date(text);
  if (!RFC3339.test(text) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an RFC 3339 instant such as 2030-01-01T00:00:00Z');
  return d;
}

const looksLikePin = (text: string): boolean => /^(sha256|spki-sha256):/i.test(text);
const PIN_USAGE = 'expected sha256:<64 hex digits>, spki-sha256:<64 hex digits> or a certificate file';

/** Flag parser for anchors: a malformed pin is a usage error before anything runs. */
export function anchorArg(text: string, previous: readonly string[] = []): string[] {
  if (looksLikePin(text) && !parsePin(text)) throw new InvalidArgumentError(PIN_USAGE);
  return [...previous, text];
}

/** `sha256:HEX` (certificate pin), `spki-sha256:HEX` (key pin), or a certificate file (PEM, all blocks, or DER). */
export function readAnchors(arg: string): TrustAnchor[] {
  const pin = parsePin(arg);
  if (pin) return [pin];
  if (looksLikePin(arg)) throw new UsageError(`${arg}: ${PIN_USAGE}`);
  return readCertificateBundle(arg).map((der) => certificateAnchor(parseCertificate(der)));
}

/** A store from --trust arguments: stores (JSON), certificates and pins; the highest store sequence wins. */
export function readTrustStore(args: readonly string[]): TrustStore {
  const anchors: TrustAnchor[] = [];
  let sequence = 0;
  for (const arg of args) {
    if (parsePin(arg) || !readInputFile(arg).toString('utf8').trimStart().startsWith('{')) {
      anchors.push(...readAnchors(arg));
      continue;
    }
    const r = parseTrustStore(readInputFile(arg).toString('utf8'));
    if (!r.ok) throw new CliError(r.code, `${arg}: ${r.message}`);
    anchors.push(...r.store.anchors());
    sequence = Math.max(sequence, r.store.sequence);
  }
  return TrustStore.of(anchors, sequence);
}

/** The anchor's label, with the subject for a certificate. */
export function describeAnchor(a: TrustAnchor): string {
  return a.kind === 'certificate' ? `${anchorLabel(a)} (${formatName(a.certificate.subject)})` : anchorLabel(a);
}
