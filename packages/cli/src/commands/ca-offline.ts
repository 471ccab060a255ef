/**
 * `fleetpki ca export-offline` (on the central deployment) and `fleetpki ca import-offline`
 * (on a factory station's own data folder): a manufacturer CA for a station without a
 * network path to the CA. The key travels encrypted under a passphrase given to both
 * sides (--passphrase-file or $FLEETPKI_OFFLINE_PASSPHRASE, else a prompt).
 */
import type { Command } from 'commander';
import { MIN_PASSPHRASE_LENGTH, resolvePassphrase } from '@fleetpki/keys';
import { cliActor, withDeployment } from '../deployment.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { OFFLINE_PASSPHRASE_ENV, readOfflinePackage, writeOfflinePackage } from '../offline-package.js';
import { addDeploymentOptions, addJsonOption, positiveIntArg, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';
import { caLines, caView } from '../views.js';

interface ExportFlags extends DeploymentFlags { readonly name: string; readonly out: string; readonly quota?: number; readonly passphraseFile?: string; readonly json?: boolean }
interface ImportFlags extends DeploymentFlags { readonly in: string; readonly passphraseFile?: string; readonly json?: boolean }

async function passphrase(io: Io, file: string | undefined): Promise<string> {
  const p = await resolvePassphrase('the offline CA key', { ...(file ? { file } : {}), env: io.env, envName: OFFLINE_PASSPHRASE_ENV, ...(io.prompt ? { prompt: io.prompt } : {}) })
    .catch(() => { throw new CliError('PASSPHRASE_MISSING', `no passphrase for the offline CA key: --passphrase-file or ${OFFLINE_PASSPHRASE_ENV}`); });
  if (p.length < MIN_PASSPHRASE_LENGTH) throw new CliError('PASSPHRASE_TOO_SHORT', `the offline key passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
  return p;
}

async function exportOffline(flags: ExportFlags, io: Io): Promise<void> {
  const secret = await passphrase(io, flags.passphraseFile);
  const pkg = await withDeployment(flags, io, { keys: true }, (d) => d.ca.exportOfflineCa(cliActor(io), flags.name, secret, flags.quota ?? null));
  writeOfflinePackage(flags.out, pkg);
  new Output(io, flags.json === true).result({ name: pkg.name, quota: pkg.quota, out: flags.out }, (v) => fields([['exported', v.name], ['quota allotted', v.quota ?? 'unlimited'], ['file', v.out]]));
}

async function importOffline(flags: ImportFlags, io: Io): Promise<void> {
  const pkg = readOfflinePackage(flags.in);
  const secret = await passphrase(io, flags.passphraseFile);
  const record = await withDeployment({ ...flags }, io, { keys: true, create: true }, (d) => d.ca.importOfflineCa(cliActor(io), pkg, secret));
  new Output(io, flags.json === true).result(caView(record), caLines);
}

export function registerCaExportOffline(ca: Command, io: Io): void {
  const cmd = addDeploymentOptions(ca.command('export-offline'))
    .description('export a manufacturer CA (key encrypted) for an offline factory station')
    .requiredOption('--name <ca>', 'the manufacturer CA')
    .requiredOption('--out <file>', 'the package file to write (mode 0600, never overwritten)')
    .option('--quota <n>', 'certificates the station may issue (default: what is left of the CA\'s quota)', positiveIntArg)
    .option('--passphrase-file <file>', `passphrase the key is encrypted under (or $${OFFLINE_PASSPHRASE_ENV})`);
  addJsonOption(cmd).action((flags: ExportFlags) => exportOffline(flags, io));
}

export function registerCaImportOffline(ca: Command, io: Io): void {
  const cmd = addDeploymentOptions(ca.command('import-offline'))
    .description('on an offline station: take in a manufacturer CA exported by export-offline')
    .requiredOption('--in <file>', 'the package file')
    .option('--passphrase-file <file>', `passphrase the key was exported under (or $${OFFLINE_PASSPHRASE_ENV})`);
  addJsonOption(cmd).action((flags: ImportFlags) => importOffline(flags, io));
}
