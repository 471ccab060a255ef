/** `fleetpki enrollment-group list`: enrollment groups by label. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output, table } from '../output.js';
import { groupView } from '../enrollment-views.js';

interface Flags extends DeploymentFlags { readonly json?: boolean }

async function list(flags: Flags, io: Io): Promise<void> {
  const views = (await withDeployment(flags, io, { keys: false }, (d) => d.ca.listEnrollmentGroups(cliActor(io)))).map(groupView);
  new Output(io, flags.json === true).result(views, (vs) => table(['LABEL', 'PROFILE', 'CA', 'APPROVAL', 'DEVICE IDS'],
    vs.map((v) => [v.label, v.profile, v.ca, v.approval, v.deviceIdPattern])));
}

export function registerEnrollmentGroupList(group: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(group.command('list')).description('list enrollment groups'))
    .action((flags: Flags) => list(flags, io));
}
