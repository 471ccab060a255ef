/**
 * `fleetpki trust bundle create`: a root signs the next set of trust anchors for the fleet
 * (decision 005). Run at the offline root, like `ca sign`.
 *   1. read the anchors to add and to retire (certificate files or pins)
 *   2. open the signer: its certificate, then its encrypted key with the passphrase
 *   3. sign (core checks the key is the certificate's and the fields' ranges)
 *   4. write the DER bundle; print what was signed, for the ceremony's record
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createTrustBundle, formatName, isTrustError, parseCertificate, type Signer } from '@fleetpki/core';
import { decryptPrivateKey, softwareSigner } from '@fleetpki/keys';
import { CliError, UsageError } from '../errors.js';
import { readCertificate, readInputFile } from '../inputs.js';
import type { Io } from '../io.js';
import { addJsonOption, positiveIntArg } from '../options.js';
import { fields, fingerprint, Output } from '../output.js';
import { openRoot, rootPassphrase } from '../root-key.js';
import { anchorArg, describeAnchor, readAnchors, rfc3339Arg } from '../trust-inputs.js';

interface Flags {
  readonly sequence: number;
  readonly notBefore: Date;
  readonly issuedAt?: Date;
  readonly add?: string[];
  readonly retire?: string[];
  readonly root?: string;
  readonly signerCert?: string;
  readonly signerKey?: string;
  readonly passphraseFile?: string;
  readonly out: string;
  readonly json?: boolean;
}

async function openSigner(flags: Flags, io: Io): Promise<{ certificateDer: Uint8Array; signer: Signer }> {
  if (flags.root) {
    if (flags.signerCert || flags.signerKey) throw new UsageError('--root replaces --signer-cert and --signer-key');
    return openRoot(io, flags.root, flags.passphraseFile);
  }
  if (!flags.signerCert || !flags.signerKey) throw new UsageError('give --signer-cert and --signer-key, or --root');
  const certificateDer = readCertificate(flags.signerCert);
  const keyPem = readInputFile(flags.signerKey).toString('utf8');
  const passphrase = await rootPassphrase(io, flags.passphraseFile, { isNew: false });
  return { certificateDer, signer: softwareSigner(decryptPrivateKey(keyPem, passphrase)) };
}

async function create(flags: Flags, io: Io): Promise<void> {
  // 1. anchors
  const add = (flags.add ?? []).flatMap(readAnchors);
  const retire = (flags.retire ?? []).flatMap(readAnchors);
  // 2. signer
  const opened = await openSigner(flags, io);
  const signerCertificate = parseCertificate(opened.certificateDer);
  // 3. sign
  const issuedAt = flags.issuedAt ?? new Date();
  let der: Buffer;
  try {
    der = await createTrustBundle({ bundleSequence: flags.sequence, issuedAt, notBefore: flags.notBefore, add, retire }, signerCertificate, opened.signer);
  } catch (e) {
    throw isTrustError(e) ? new CliError(e.code, e.message) : e;
  }
  // 4. write and report
  writeFileSync(flags.out, der, { mode: 0o644 });
  new Output(io, flags.json === true).result({
    bundleSequence: flags.sequence, issuedAt: new Date(Math.floor(issuedAt.getTime() / 1000) * 1000).toISOString(),
    notBefore: new Date(Math.floor(flags.notBefore.getTime() / 1000) * 1000).toISOString(),
    signer: formatName(signerCertificate.subject), add: add.map(describeAnchor), retire: retire.map(describeAnchor),
    bytes: der.length, sha256Fingerprint: fingerprint(der), out: flags.out,
  }, (v) => [
    ...fields([['bundle sequence', v.bundleSequence], ['issued at', v.issuedAt], ['not before', v.notBefore], ['signed by', v.signer],
      ['size', `${v.bytes} bytes`], ['written to', v.out]]),
    ...v.add.map((a) => `add:    ${a}`), ...v.retire.map((a) => `retire: ${a}`),
    `SHA256 Fingerprint=${v.sha256Fingerprint}`,
  ]);
}

export function registerTrustBundleCreate(bundle: Command, io: Io): void {
  const cmd = bundle.command('create')
    .description('sign a trust bundle (CMS SignedData, DER) with a currently trusted root: anchors to add and to retire')
    .requiredOption('--sequence <n>', 'bundle sequence number; devices refuse any not above the last they applied', positiveIntArg)
    .requiredOption('--not-before <instant>', 'RFC 3339 instant before which devices do not apply the bundle', rfc3339Arg)
    .option('--issued-at <instant>', 'RFC 3339 instant recorded in the bundle (default: now)', rfc3339Arg)
    .option('--add <anchor>', 'anchor to hold: certificate file, sha256:<hex> or spki-sha256:<hex> (repeatable)', anchorArg)
    .option('--retire <anchor>', 'anchor to drop: certificate file, sha256:<hex> or spki-sha256:<hex> (repeatable)', anchorArg)
    .option('--signer-cert <file>', 'certificate of the signing root (PEM or DER)')
    .option('--signer-key <file>', 'its encrypted PKCS#8 key (PEM)')
    .option('--root <dir>', 'instead of --signer-cert and --signer-key: a folder from ca init-root')
    .option('--passphrase-file <file>', 'file whose first line is the key passphrase (else $FLEETPKI_ROOT_PASSPHRASE, else a prompt)')
    .requiredOption('--out <file>', 'where to write the bundle (DER)');
  addJsonOption(cmd).action((flags: Flags) => create(flags, io));
}
