/** `fleetpki enrollment-group secret LABEL --device-id ID`: a one-time EST enrollment secret, printed once. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';

interface Flags extends DeploymentFlags { readonly deviceId: string; readonly json?: boolean }

async function secret(label: string, flags: Flags, io: Io): Promise<void> {
  const created = await withDeployment(flags, io, { keys: false }, (d) => d.ca.createEnrollmentSecret(cliActor(io), label, flags.deviceId));
  new Output(io, flags.json === true).result(created, (v) => [
    ...fields([['group', v.label], ['device id', v.deviceId]]),
    `secret: ${v.secret}`,
    `EST: HTTP Basic ${v.deviceId}:<secret> on /.well-known/est/${v.label}/simpleenroll; it works once and is shown only now.`,
  ]);
}

export function registerEnrollmentGroupSecret(group: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(group.command('secret')).description('make a one-time enrollment secret for one device')
    .argument('<label>', 'EST label of the group')
    .requiredOption('--device-id <id>', 'the device id (the EST username)'))
    .action((label: string, flags: Flags) => secret(label, flags, io));
}
