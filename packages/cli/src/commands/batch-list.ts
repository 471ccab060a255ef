/** `fleetpki batch list` and `fleetpki batch show`: the batches of the deployment and one batch's record. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, positiveIntArg, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { batchLines, batchTable, batchView } from '../batch-views.js';

interface ListFlags extends DeploymentFlags { readonly ca?: string; readonly limit: number; readonly cursor?: string; readonly json?: boolean }
interface ShowFlags extends DeploymentFlags { readonly json?: boolean }

async function list(flags: ListFlags, io: Io): Promise<void> {
  const page = await withDeployment(flags, io, { keys: false }, (d) => d.ca.listBatches(cliActor(io), {
    limit: flags.limit, ...(flags.ca ? { caName: flags.ca } : {}), ...(flags.cursor ? { cursor: flags.cursor } : {}),
  }));
  new Output(io, flags.json === true).result({ items: page.items.map(batchView), nextCursor: page.nextCursor },
    (v) => [...batchTable(v.items), ...(v.nextCursor ? [`more: --cursor ${v.nextCursor}`] : [])]);
}

async function show(batchId: string, flags: ShowFlags, io: Io): Promise<void> {
  const batch = await withDeployment(flags, io, { keys: false }, (d) => d.ca.getBatch(cliActor(io), batchId));
  new Output(io, flags.json === true).result(batchView(batch), batchLines);
}

export function registerBatchList(batch: Command, io: Io): void {
  const cmd = addDeploymentOptions(batch.command('list')).description('list batches, newest first')
    .option('--ca <name>', 'only batches of this CA')
    .option('--limit <n>', 'batches per page (1-1000)', positiveIntArg, 50)
    .option('--cursor <cursor>', 'the next page, as the previous one printed');
  addJsonOption(cmd).action((flags: ListFlags) => list(flags, io));
}

export function registerBatchShow(batch: Command, io: Io): void {
  const cmd = addDeploymentOptions(batch.command('show')).description('one batch: CA, status, counts, last manifest').argument('<batch>', 'batch id');
  addJsonOption(cmd).action((batchId: string, flags: ShowFlags) => show(batchId, flags, io));
}
