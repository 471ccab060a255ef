/**
 * `fleetpki device attributes ID [name=value ...]`: with pairs (or --clear), replace the
 * device's attributes; without, show them. On the data folder (--data) or through a server
 * (--url and --token). Gateways read these on every connection and message (issue 7).
 */
import type { Command } from 'commander';
import type { DeviceAttributesView } from '@fleetpki/ca';
import { cliActor, withDeployment } from '../deployment.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';
import { remoteTarget, requestRemote } from '../remote.js';
import { attributeArg } from '../revocation-options.js';

interface Flags extends DeploymentFlags {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
  readonly clear?: boolean;
}

function pairsOf(pairs: readonly string[], clear: boolean): Record<string, string> | null {
  if (clear && pairs.length > 0) throw new UsageError('--clear and name=value pairs exclude each other');
  if (clear) return {};
  return pairs.length === 0 ? null : pairs.reduce<Record<string, string>>((acc, p) => attributeArg(p, acc), {});
}

async function run(deviceId: string, pairs: readonly string[], flags: Flags, io: Io): Promise<void> {
  const attributes = pairsOf(pairs, flags.clear === true);
  const target = remoteTarget(flags, io);
  const path = `/devices/${encodeURIComponent(deviceId)}/attributes`;
  const view: DeviceAttributesView = target
    ? await requestRemote<DeviceAttributesView>(target, attributes ? 'PUT' : 'GET', path, attributes ?? undefined)
    : await withDeployment(flags, io, { keys: false }, (d) => (attributes
      ? d.ca.setDeviceAttributes(cliActor(io), deviceId, attributes)
      : d.ca.getDeviceAttributes(cliActor(io), deviceId)));
  new Output(io, flags.json === true).result(view, (v) => [
    ...fields([['device id', v.deviceId]]),
    ...Object.entries(v.attributes).map(([k, value]) => `  ${k}=${value}`),
  ]);
}

export function registerDeviceAttributes(device: Command, io: Io): void {
  const cmd = addDeploymentOptions(device.command('attributes'))
    .description("show a device's attributes, or replace them with name=value pairs (gateway rules read them)")
    .argument('<device-id>', 'the device id')
    .argument('[name=value...]', 'the complete new set of attributes (replaces, does not merge)')
    .option('--clear', 'remove every attribute')
    .option('--url <url>', 'through this server instead (default: $FLEETPKI_URL)')
    .option('--token <token>', 'API token for --url (default: $FLEETPKI_TOKEN)');
  addJsonOption(cmd).action((deviceId: string, pairs: string[], flags: Flags) => run(deviceId, pairs, flags, io));
}
