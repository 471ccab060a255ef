/** `fleetpki enrollment-group show LABEL`: one group and its pending enrollments; --anchors prints the anchors as PEM. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output, table } from '../output.js';
import { groupLines, groupView, pendingView } from '../enrollment-views.js';

interface Flags extends DeploymentFlags { readonly anchors?: boolean; readonly json?: boolean }

async function show(label: string, flags: Flags, io: Io): Promise<void> {
  const { group, pending } = await withDeployment(flags, io, { keys: false }, async (d) => ({
    group: groupView(await d.ca.getEnrollmentGroup(cliActor(io), label)),
    pending: (await d.ca.listPendingEnrollments(cliActor(io), label)).map(pendingView),
  }));
  const output = new Output(io, flags.json === true);
  if (flags.anchors && !output.json) return output.raw(group.anchors.join(''));
  output.result({ ...group, pending }, (v) => [
    ...groupLines(v),
    ...(v.pending.length ? ['', ...table(['PENDING ID', 'STATUS', 'DEVICE', 'SINCE'], v.pending.map((p) => [p.id, p.status, p.deviceId, p.createdAt.slice(0, 19)]))] : []),
  ]);
}

export function registerEnrollmentGroupShow(group: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(group.command('show')).description('show one enrollment group and its pending enrollments')
    .argument('<label>', 'EST label')
    .option('--anchors', 'print the trust anchors as PEM'))
    .action((label: string, flags: Flags) => show(label, flags, io));
}
