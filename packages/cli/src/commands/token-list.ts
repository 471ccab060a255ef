/** `fleetpki token list`: API tokens by id, name and role; the secrets are not kept and not shown. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output, table } from '../output.js';

interface Flags extends DeploymentFlags { readonly json?: boolean }

async function list(flags: Flags, io: Io): Promise<void> {
  const records = await withDeployment(flags, io, { keys: false }, (d) => d.ca.listApiTokens(cliActor(io)));
  const views = records.map((r) => ({
    id: r.id, name: r.name, role: r.role, createdAt: r.createdAt.toISOString(), revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
  new Output(io, flags.json === true).result(views, (vs) => table(['ID', 'ROLE', 'CREATED', 'REVOKED', 'NAME'],
    vs.map((v) => [v.id, v.role, v.createdAt.slice(0, 19), v.revokedAt?.slice(0, 19) ?? '-', v.name])));
}

export function registerTokenList(token: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(token.command('list')).description('list API tokens'))
    .action((flags: Flags) => list(flags, io));
}
