/** `fleetpki ca list`: every CA of the deployment, one line each. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output, table } from '../output.js';
import { caView, quotaText } from '../views.js';

interface Flags extends DeploymentFlags { readonly json?: boolean }

async function list(flags: Flags, io: Io): Promise<void> {
  const records = await withDeployment(flags, io, { keys: false }, (d) => d.ca.listCas(cliActor(io)));
  new Output(io, flags.json === true).result(records.map(caView), (views) => table(
    ['NAME', 'ROLE', 'STATUS', 'PARENT', 'ISSUED', 'NOT AFTER', 'SUBJECT'],
    views.map((v) => [v.name, v.role, v.status, v.parent ?? '-', quotaText(v), v.notAfter?.slice(0, 10) ?? '-', v.subject]),
  ));
}

export function registerCaList(ca: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(ca.command('list')).description('list the CAs of the deployment'))
    .action((flags: Flags) => list(flags, io));
}
