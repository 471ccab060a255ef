/**
 * `fleetpki ca import`: last step of an issuing CA. The certificate signed offline must
 * hold the pending CA's key and chain to a self-signed root through --chain (the issuer
 * certificates up to and including the root); the CA turns active. The first imported CA
 * becomes the deployment's default CA.
 */
import type { Command } from 'commander';
import { DEFAULT_CA_SETTING } from '@fleetpki/ca';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { readCertificate, readCertificateBundle } from '../inputs.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { caLines, caView } from '../views.js';

interface Flags extends DeploymentFlags {
  readonly name: string;
  readonly cert: string;
  readonly chain: string;
  readonly json?: boolean;
}

async function importCa(flags: Flags, io: Io): Promise<void> {
  const certificateDer = readCertificate(flags.cert);
  const chainDer = readCertificateBundle(flags.chain);
  const { record, isDefault } = await withDeployment(flags, io, { keys: true }, async (d) => {
    const imported = await d.ca.importCaCertificate(cliActor(io), { name: flags.name, certificateDer, chainDer });
    return { record: imported, isDefault: (await d.store.getSetting(DEFAULT_CA_SETTING)) === flags.name };
  });
  new Output(io, flags.json === true).result({ ...caView(record), isDefault }, (v) => [
    ...caLines(v), ...(v.isDefault ? [`${v.name} is the default CA of this deployment`] : []),
  ]);
}

export function registerCaImport(ca: Command, io: Io): void {
  const cmd = addDeploymentOptions(ca.command('import'))
    .description('activate a pending issuing CA with the certificate the offline root signed')
    .requiredOption('--name <name>', 'the pending CA (from ca request)')
    .requiredOption('--cert <file>', 'its certificate (PEM), from ca sign')
    .requiredOption('--chain <file>', 'PEM bundle of the issuer certificates up to and including the root');
  addJsonOption(cmd).action((flags: Flags) => importCa(flags, io));
}
