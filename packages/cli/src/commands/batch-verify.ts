/**
 * `fleetpki batch verify`: a batch manifest as its receiver checks it (docs/batch.md), what
 * `openssl cms -verify -binary -inform DER -in manifest -CAfile root.pem -purpose any`
 * checks too: the signature over the content, by a CA that chains to the given root. With
 * --certificates it also checks a certificates.jsonl against the manifest: every
 * certificate listed with its device, serial and SHA-256, and none missing. Exit 0 when
 * everything holds; exit 1 with a MANIFEST_* code otherwise.
 */
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { certificateSha256, formatName, fromPem, parseCertificate, verifyManifestSignature, type ManifestLineEntry, type TrustAnchor } from '@fleetpki/core';
import { lines } from '../batch-input.js';
import { CliError } from '../errors.js';
import { readCertificateBundle } from '../inputs.js';
import type { Io } from '../io.js';
import { readManifestFile } from '../manifest-reader.js';
import { addJsonOption } from '../options.js';
import { fields, Output } from '../output.js';
import { rfc3339Arg } from '../trust-inputs.js';

interface Flags {
  readonly manifest: string;
  readonly root: string;
  readonly certificates?: string;
  readonly at?: Date;
  readonly json?: boolean;
}

type Listed = Map<string, { deviceId: string; sha256: string; seen: boolean }>;

const MAX_REPORTED = 5;

/** Each line of certificates.jsonl against the manifest's entries; the problems found, at most a few. */
async function compareCertificates(path: string, listed: Listed): Promise<{ checked: number; problems: string[] }> {
  const problems: string[] = [];
  let checked = 0;
  for await (const text of lines(path)) {
    if (text.trim() === '') continue;
    checked++;
    const line = JSON.parse(text) as { deviceId: string; serial: string; certificate: string };
    const entry = listed.get(line.serial);
    const sha256 = certificateSha256(fromPem(line.certificate, ['CERTIFICATE']));
    if (!entry) problems.push(`serial ${line.serial} (device ${line.deviceId}) is not in the manifest`);
    else if (entry.deviceId !== line.deviceId || entry.sha256 !== sha256) problems.push(`serial ${line.serial}: device or certificate hash differs from the manifest`);
    else entry.seen = true;
  }
  for (const [serial, e] of listed) if (!e.seen) problems.push(`serial ${serial} (device ${e.deviceId}) is in the manifest but not in ${path}`);
  return { checked, problems: problems.slice(0, MAX_REPORTED).concat(problems.length > MAX_REPORTED ? [`... ${problems.length - MAX_REPORTED} more`] : []) };
}

async function verify(flags: Flags, io: Io): Promise<void> {
  const anchors: TrustAnchor[] = readCertificateBundle(flags.root).map((der) => ({ kind: 'certificate', certificate: parseCertificate(der) }));
  const listed: Listed = new Map();
  const keep = flags.certificates ? (e: ManifestLineEntry) => { listed.set(e.serial, { deviceId: e.deviceId, sha256: e.sha256, seen: false }); } : undefined;
  const read = await readManifestFile(flags.manifest, keep);
  const now = flags.at ?? new Date();
  const r = verifyManifestSignature({ layout: read.layout, tail: read.tail, contentDigest: read.digest, anchors, now });
  if (!r.ok) throw new CliError(r.code, r.message);
  if ('error' in read.content) throw new CliError(read.content.error.code, read.content.error.message);
  const { header, count } = read.content;
  if (header.caCertificateSha256 !== createHash('sha256').update(r.signer.der).digest('hex')) {
    throw new CliError('MANIFEST_MALFORMED', 'the manifest names another CA certificate than the one that signed it');
  }
  const compared = flags.certificates ? await compareCertificates(flags.certificates, listed) : null;
  if (compared && compared.problems.length > 0) throw new CliError('MANIFEST_MISMATCH', `${flags.certificates}: ${compared.problems.join('; ')}`);
  new Output(io, flags.json === true).result({
    batchId: header.batchId, ca: header.ca, manufacturer: header.manufacturer, profile: header.profile, signedAt: header.signedAt, devices: count,
    signer: formatName(r.signer.subject), path: r.path.map((c) => formatName(c.subject)), verifiedAt: now.toISOString(), certificatesChecked: compared?.checked ?? null,
  }, (v) => fields([
    ['manifest', 'OK'], ['batch', v.batchId], ['CA', v.ca], ['manufacturer', v.manufacturer], ['profile', v.profile], ['devices', v.devices],
    ['signed at', v.signedAt], ['signed by', v.signer], ['chain', v.path.join(' <- ')], ['certificates checked', v.certificatesChecked ?? undefined],
  ]));
}

export function registerBatchVerify(batch: Command, io: Io): void {
  const cmd = batch.command('verify')
    .description('verify a signed batch manifest against a root, and optionally a certificates.jsonl against it')
    .requiredOption('--manifest <file>', 'the manifest (CMS SignedData, DER), e.g. <out>/manifest')
    .requiredOption('--root <file>', 'root certificate(s) the signing CA must chain to (PEM)')
    .option('--certificates <file>', 'a certificates.jsonl to check against the manifest (holds the manifest\'s entries in memory)')
    .option('--at <instant>', 'RFC 3339 instant to verify at (default: now)', rfc3339Arg);
  addJsonOption(cmd).action((flags: Flags) => verify(flags, io));
}
