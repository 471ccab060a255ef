/**
 * `fleetpki ca create-manufacturer`: a contract manufacturer's sub-CA, signed online by an
 * issuing CA: pathLenConstraint 0, name constraints on its device namespace, and an
 * issuance quota (the use case in @fleetpki/ca does the work and the audit).
 */
import type { Command } from 'commander';
import type { KeyType } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, durationArg, keyTypeOption, positiveIntArg, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { caLines, caView } from '../views.js';

interface Flags extends DeploymentFlags {
  readonly name: string;
  readonly parent: string;
  readonly subject: string;
  readonly manufacturer: string;
  readonly namespace: string;
  readonly quota?: number;
  readonly keyType: KeyType;
  readonly validity?: number;
  readonly json?: boolean;
}

async function createManufacturer(flags: Flags, io: Io): Promise<void> {
  const record = await withDeployment(flags, io, { keys: true }, (d) => d.ca.createManufacturerCa(cliActor(io), {
    name: flags.name, parent: flags.parent, subject: flags.subject, manufacturer: flags.manufacturer,
    namespace: flags.namespace, quota: flags.quota ?? null, keyType: flags.keyType,
    ...(flags.validity !== undefined ? { validitySeconds: flags.validity } : {}),
  }));
  new Output(io, flags.json === true).result(caView(record), caLines);
}

export function registerCaCreateManufacturer(ca: Command, io: Io): void {
  const cmd = addDeploymentOptions(ca.command('create-manufacturer'))
    .description('create a name-constrained sub-CA for a contract manufacturer, signed by an issuing CA')
    .requiredOption('--name <name>', 'CA name')
    .requiredOption('--parent <ca>', 'the issuing CA that signs it')
    .requiredOption('--subject <dn>', 'subject, e.g. "CN=Contoso Device CA,O=Example"')
    .requiredOption('--manufacturer <name>', 'the contract manufacturer, e.g. Contoso')
    .requiredOption('--namespace <host>', 'device namespace: device ids are device://<namespace>/<id>')
    .option('--quota <n>', 'maximum number of certificates it may issue (default: unlimited)', positiveIntArg)
    .addOption(keyTypeOption('ecdsa-p256'))
    .option('--validity <duration>', 'lifetime (default 5y)', durationArg);
  addJsonOption(cmd).action((flags: Flags) => createManufacturer(flags, io));
}
