/** `fleetpki ca show NAME`: one CA in detail; --pem prints its certificate (its CSR while pending). */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { caLines, caView } from '../views.js';

interface Flags extends DeploymentFlags {
  readonly pem?: boolean;
  readonly chain?: boolean;
  readonly json?: boolean;
}

async function show(name: string, flags: Flags, io: Io): Promise<void> {
  const view = caView(await withDeployment(flags, io, { keys: false }, (d) => d.ca.getCa(cliActor(io), name)));
  const output = new Output(io, flags.json === true);
  if (flags.pem && !output.json) {
    const own = view.certificate ?? view.csr ?? '';
    return output.raw(flags.chain ? [own, ...view.chain].join('') : own);
  }
  output.result(view, caLines);
}

export function registerCaShow(ca: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(ca.command('show')).description('show one CA')
    .argument('<name>', 'CA name')
    .option('--pem', 'print the certificate as PEM (the CSR while the CA is pending)')
    .option('--chain', 'with --pem: append the issuer certificates up to the root'))
    .action((name: string, flags: Flags) => show(name, flags, io));
}
