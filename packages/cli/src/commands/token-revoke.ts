/** `fleetpki token revoke ID`: the token stops working at once. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';

interface Flags extends DeploymentFlags { readonly json?: boolean }

async function revoke(id: string, flags: Flags, io: Io): Promise<void> {
  await withDeployment(flags, io, { keys: false }, (d) => d.ca.revokeApiToken(cliActor(io), id));
  new Output(io, flags.json === true).result({ id, revoked: true }, (v) => [`token ${v.id} revoked`]);
}

export function registerTokenRevoke(token: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(token.command('revoke')).description('revoke an API token')
    .argument('<id>', 'token id (the part after fpk_, as token list shows it)'))
    .action((id: string, flags: Flags) => revoke(id, flags, io));
}
