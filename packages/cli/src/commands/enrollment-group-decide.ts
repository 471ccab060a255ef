/** `fleetpki enrollment-group approve|reject LABEL ID`: decide a pending enrollment (the device then resends its CSR). */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';
import { pendingView } from '../enrollment-views.js';

interface Flags extends DeploymentFlags { readonly json?: boolean }

async function decide(decision: 'approve' | 'reject', label: string, id: string, flags: Flags, io: Io): Promise<void> {
  const record = await withDeployment(flags, io, { keys: false }, (d) =>
    (decision === 'approve' ? d.ca.approveEnrollment(cliActor(io), label, id) : d.ca.rejectEnrollment(cliActor(io), label, id)));
  new Output(io, flags.json === true).result(pendingView(record), (v) => fields([['id', v.id], ['device id', v.deviceId], ['status', v.status]]));
}

export function registerEnrollmentGroupDecide(group: Command, io: Io): void {
  for (const decision of ['approve', 'reject'] as const) {
    addJsonOption(addDeploymentOptions(group.command(decision)).description(`${decision} a pending enrollment`)
      .argument('<label>', 'EST label of the group')
      .argument('<id>', 'pending enrollment id (enrollment-group show lists them)'))
      .action((label: string, id: string, flags: Flags) => decide(decision, label, id, flags, io));
  }
}
