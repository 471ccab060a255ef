/**
 * `fleetpki trust bundle verify`: what a device does with a bundle, on the operator's
 * machine. Verifies it against a trust store (JSON, certificates, pins) at now or --at,
 * prints the signed content and the resulting anchors, and with --store-out writes the
 * updated store. Exit 0 when the bundle applies; exit 1 with its BUNDLE_* code otherwise.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { encodeTrustStore, formatName, verifyTrustBundle } from '@fleetpki/core';
import { CliError } from '../errors.js';
import { readPemOrDer } from '../inputs.js';
import type { Io } from '../io.js';
import { addJsonOption } from '../options.js';
import { fields, Output } from '../output.js';
import { anchorArg, describeAnchor, readTrustStore, rfc3339Arg } from '../trust-inputs.js';

interface Flags {
  readonly bundle: string;
  readonly trust: string[];
  readonly at?: Date;
  readonly storeOut?: string;
  readonly json?: boolean;
}

function verify(flags: Flags, io: Io): void {
  const store = readTrustStore(flags.trust);
  const der = readPemOrDer(flags.bundle, ['CMS', 'PKCS7']);
  const now = flags.at ?? new Date();
  const r = verifyTrustBundle(store, der, now);
  if (!r.ok) throw new CliError(r.code, r.message);
  if (flags.storeOut) writeFileSync(flags.storeOut, encodeTrustStore(r.store), { mode: 0o644 });
  new Output(io, flags.json === true).result({
    bundleSequence: r.bundle.bundleSequence, issuedAt: r.bundle.issuedAt.toISOString(), notBefore: r.bundle.notBefore.toISOString(),
    signer: formatName(r.signer.subject), add: r.bundle.add.map(describeAnchor), retire: r.bundle.retire.map(describeAnchor),
    verifiedAt: now.toISOString(), store: { sequence: r.store.sequence, anchors: r.store.anchors().map(describeAnchor) },
    ...(flags.storeOut ? { storeOut: flags.storeOut } : {}),
  }, (v) => [
    ...fields([['bundle sequence', v.bundleSequence], ['issued at', v.issuedAt], ['not before', v.notBefore], ['signed by', v.signer],
      ['verified at', v.verifiedAt], ['store written to', v.storeOut]]),
    ...v.add.map((a) => `add:    ${a}`), ...v.retire.map((a) => `retire: ${a}`),
    `resulting store (sequence ${v.store.sequence}):`, ...v.store.anchors.map((a) => `  ${a}`),
  ]);
}

export function registerTrustBundleVerify(bundle: Command, io: Io): void {
  const cmd = bundle.command('verify')
    .description('verify a trust bundle against a trust store as a device would, and show the store it yields')
    .requiredOption('--bundle <file>', 'the trust bundle (DER, or PEM labelled CMS)')
    .requiredOption('--trust <anchor>', 'trust store JSON, certificate file, sha256:<hex> or spki-sha256:<hex> (repeatable)', anchorArg)
    .option('--at <instant>', 'RFC 3339 instant to verify at (default: now)', rfc3339Arg)
    .option('--store-out <file>', 'write the updated trust store (JSON) here when the bundle applies');
  addJsonOption(cmd).action((flags: Flags) => verify(flags, io));
}
