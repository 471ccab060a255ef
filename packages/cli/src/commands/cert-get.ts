/** `fleetpki cert get SERIAL`: one certificate's record; --pem prints the certificate itself. */
import type { Command } from 'commander';
import { toPem } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { certificateLines, certificateView } from '../views.js';

interface Flags extends DeploymentFlags {
  readonly pem?: boolean;
  readonly chain?: boolean;
  readonly json?: boolean;
}

async function get(serial: string, flags: Flags, io: Io): Promise<void> {
  const found = await withDeployment(flags, io, { keys: false }, (d) => d.ca.getCertificate(cliActor(io), serial));
  const view = { ...certificateView(found.record), chain: found.chainDer.map((d) => toPem('CERTIFICATE', d)) };
  const output = new Output(io, flags.json === true);
  // A pending certificate (intent recorded, never signed) has no PEM; the record says why.
  if (flags.pem && !output.json && view.certificate) return output.raw(flags.chain ? [view.certificate, ...view.chain].join('') : view.certificate);
  output.result(view, certificateLines);
}

export function registerCertGet(cert: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(cert.command('get')).description('show a certificate by serial')
    .argument('<serial>', 'serial in hex (colons and leading zeros are ignored)')
    .option('--pem', 'print the certificate as PEM')
    .option('--chain', 'with --pem: append the issuer chain'))
    .action((serial: string, flags: Flags) => get(serial, flags, io));
}
