/**
 * `fleetpki batch reconcile`: what the factory made against what came online, by batch and
 * manufacturer (issued, seen, never seen, duplicates) and the devices seen that no
 * certificate of ours names; with --list, the devices of one of those sets, paged.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { ReconciliationListKind } from '@fleetpki/ca';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, positiveIntArg, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { reconciliationDeviceTable, reconciliationDeviceView, reconciliationLines } from '../batch-views.js';

interface Flags extends DeploymentFlags {
  readonly manufacturer?: string;
  readonly batch?: string;
  readonly list?: ReconciliationListKind;
  readonly limit: number;
  readonly cursor?: string;
  readonly json?: boolean;
}

async function reconcile(flags: Flags, io: Io): Promise<void> {
  const query = { ...(flags.manufacturer ? { manufacturer: flags.manufacturer } : {}), ...(flags.batch ? { batchId: flags.batch } : {}) };
  const output = new Output(io, flags.json === true);
  await withDeployment(flags, io, { keys: false }, async (d) => {
    const actor = cliActor(io);
    if (!flags.list) return output.result(await d.ca.reconcileBatches(actor, query), reconciliationLines);
    const page = await d.ca.listReconciliation(actor, { ...query, kind: flags.list, limit: flags.limit, ...(flags.cursor ? { cursor: flags.cursor } : {}) });
    output.result({ items: page.items.map(reconciliationDeviceView), nextCursor: page.nextCursor },
      (v) => [...reconciliationDeviceTable(v.items), ...(v.nextCursor ? [`more: --cursor ${v.nextCursor}`] : [])]);
  });
}

export function registerBatchReconcile(batch: Command, io: Io): void {
  const cmd = addDeploymentOptions(batch.command('reconcile'))
    .description('devices issued but never seen online, seen but never issued, and duplicates, by batch and manufacturer')
    .option('--manufacturer <name>', 'only batches of this manufacturer')
    .option('--batch <id>', 'only this batch')
    .addOption(new Option('--list <set>', 'list the devices of one set instead of the counts').choices(['never-seen', 'seen-not-issued', 'duplicates']))
    .option('--limit <n>', 'devices per page with --list (1-1000)', positiveIntArg, 100)
    .option('--cursor <cursor>', 'the next page, as the previous one printed');
  addJsonOption(cmd).action((flags: Flags) => reconcile(flags, io));
}
