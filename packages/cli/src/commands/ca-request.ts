/**
 * `fleetpki ca request`: first step of an online issuing CA. The deployment makes the key
 * (encrypted at rest with the CA passphrase) and a CSR; the CA stays `pending` until the
 * offline root signs the CSR (`ca sign`) and the result is imported (`ca import`).
 * This is usually the first command run on a production data folder, so it creates it.
 */
import type { Command } from 'commander';
import { toPem, type KeyType } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, keyTypeOption, type DeploymentFlags } from '../options.js';
import { fields, Output, writePublicFile } from '../output.js';

interface Flags extends DeploymentFlags {
  readonly name: string;
  readonly subject: string;
  readonly keyType: KeyType;
  readonly out?: string;
  readonly json?: boolean;
}

async function request(flags: Flags, io: Io): Promise<void> {
  const { record, csrDer } = await withDeployment(flags, io, { create: true, keys: true }, (d) =>
    d.ca.createIssuingCaRequest(cliActor(io), { name: flags.name, subject: flags.subject, keyType: flags.keyType }));
  const csr = toPem('CERTIFICATE REQUEST', csrDer);
  const output = new Output(io, flags.json === true);
  if (flags.out) writePublicFile(flags.out, csr);
  else if (!output.json) return output.raw(csr);
  output.result({ name: record.name, status: record.status, subject: record.subject, keyType: flags.keyType, csr, out: flags.out ?? null }, (v) => [
    ...fields([['CA', v.name], ['status', v.status], ['subject', v.subject], ['key type', v.keyType], ['request', v.out]]),
    `next: sign ${v.out} offline with \`fleetpki ca sign\`, then \`fleetpki ca import --name ${v.name}\``,
  ]);
}

export function registerCaRequest(ca: Command, io: Io): void {
  const cmd = addDeploymentOptions(ca.command('request'))
    .description('make the key and CSR of an issuing CA (pending until its certificate is imported)')
    .requiredOption('--name <name>', 'CA name (lower-case letters, digits, dashes)')
    .requiredOption('--subject <dn>', 'subject, e.g. "CN=Example Issuing CA 1,O=Example"')
    .addOption(keyTypeOption('ecdsa-p256'))
    .option('--out <file>', 'write the CSR here (default: stdout)');
  addJsonOption(cmd).action((flags: Flags) => request(flags, io));
}
