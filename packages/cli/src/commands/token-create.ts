/** `fleetpki token create`: an API token for the REST API, printed once (only its hash is kept). */
import { Option, type Command } from 'commander';
import type { Role } from '@fleetpki/ca';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';

interface Flags extends DeploymentFlags {
  readonly name: string;
  readonly role: Role;
  readonly json?: boolean;
}

async function create(flags: Flags, io: Io): Promise<void> {
  const { record, token } = await withDeployment(flags, io, { keys: false }, (d) => d.ca.createApiToken(cliActor(io), { name: flags.name, role: flags.role }));
  new Output(io, flags.json === true).result({ id: record.id, name: record.name, role: record.role, createdAt: record.createdAt.toISOString(), token }, (v) => [
    ...fields([['id', v.id], ['name', v.name], ['role', v.role]]),
    `token: ${v.token}`,
    'The token is shown only this once; store it now.',
  ]);
}

export function registerTokenCreate(token: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(token.command('create')).description('create an API token (printed once)')
    .requiredOption('--name <name>', 'what the token is for, e.g. "factory line 3"')
    .addOption(new Option('--role <role>', 'what it may do').choices(['admin', 'operator', 'auditor']).makeOptionMandatory()))
    .action((flags: Flags) => create(flags, io));
}
