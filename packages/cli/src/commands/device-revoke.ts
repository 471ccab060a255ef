/** `fleetpki device revoke ID --reason R`: every certificate of a device, holds made final. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';
import { addReasonOptions, revokeInputOf, type ReasonFlags } from '../revocation-options.js';

interface Flags extends DeploymentFlags, ReasonFlags { readonly json?: boolean }

async function revoke(deviceId: string, flags: Flags, io: Io): Promise<void> {
  const r = await withDeployment(flags, io, { keys: false }, (d) => d.ca.revokeDevice(cliActor(io), deviceId, revokeInputOf(flags)));
  const view = { deviceId: r.deviceId, reason: flags.reason, revoked: r.revoked, alreadyRevoked: r.alreadyRevoked, notIssued: r.notIssued, serials: r.serials };
  new Output(io, flags.json === true).result(view, (v) => [
    ...fields([['device id', v.deviceId], ['reason', v.reason], ['revoked', v.revoked], ['already revoked', v.alreadyRevoked]]),
    ...v.serials.map((s) => `  ${s}`),
  ]);
}

export function registerDeviceRevoke(device: Command, io: Io): void {
  addJsonOption(addReasonOptions(addDeploymentOptions(device.command('revoke')))
    .description('revoke every certificate of a device')
    .argument('<device-id>', 'the device id certificates were issued for'))
    .action((deviceId: string, flags: Flags) => revoke(deviceId, flags, io));
}
