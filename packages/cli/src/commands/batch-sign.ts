/**
 * `fleetpki batch sign`: factory provisioning (docs/batch.md). Reads device requests (JSON
 * Lines or CSV) as a stream, signs them under a manufacturer CA on the data folder with
 * every core (worker threads), and writes the output folder (batch-output.ts). Run it again
 * in the same --out folder after a crash or a quota stop: it resumes the same batch,
 * issues nothing twice and writes the whole output again.
 *   1. decode   - flags, the batch id (from <out>/batch.json, --batch or a new one), the
 *                 station's key protection
 *   2. call     - signBatch over the input stream, with a progress line on stderr
 *   3. encode   - close the output, print one summary line; exit 1 if anything was refused
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { ServiceError, type BatchSummary, type KeyGeneration } from '@fleetpki/ca';
import { readRecipientCertificate, toPem, type KeyType } from '@fleetpki/core';
import { MIN_PASSPHRASE_LENGTH, resolvePassphrase } from '@fleetpki/keys';
import { batchPreparers } from '@fleetpki/server';
import { countRecords, inputFormatOf, readBatchInput, type InputFormat } from '../batch-input.js';
import { BatchOutput, ManifestFile } from '../batch-output.js';
import { cliActor, withDeployment } from '../deployment.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { readCertificate } from '../inputs.js';
import { addDeploymentOptions, addJsonOption, durationArg, keyTypeOption, positiveIntArg, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { Progress } from '../progress.js';
import { attributeArg } from '../revocation-options.js';

interface Flags extends DeploymentFlags {
  readonly ca: string;
  readonly in: string;
  readonly out: string;
  readonly batch?: string;
  readonly profile: string;
  readonly inputFormat?: InputFormat;
  readonly attribute?: Readonly<Record<string, string>>;
  readonly validity?: number;
  readonly folders?: boolean;
  readonly certFormat: 'pem' | 'der';
  readonly workers?: number;
  readonly chunkSize?: number;
  readonly generateKeys?: boolean;
  readonly keyType: KeyType;
  readonly keyPassphraseFile?: string;
  readonly keyRecipient?: string;
  readonly json?: boolean;
}

export const KEY_PASSPHRASE_ENV = 'FLEETPKI_BATCH_KEY_PASSPHRASE';

/** <out>/batch.json names the batch of an output folder, so a second run there resumes it. */
function batchIdOf(flags: Flags): string {
  const state = join(flags.out, 'batch.json');
  if (existsSync(state)) {
    const { batchId } = JSON.parse(readFileSync(state, 'utf8')) as { batchId: string };
    if (flags.batch !== undefined && flags.batch !== batchId) throw new ServiceError('BATCH_MISMATCH', `${flags.out} holds batch ${batchId}, not ${flags.batch}`);
    return batchId;
  }
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return flags.batch ?? `${day}-${randomBytes(4).toString('hex')}`;
}

async function keyGenerationOf(flags: Flags, io: Io): Promise<KeyGeneration | undefined> {
  if (!flags.generateKeys) {
    if (flags.keyRecipient || flags.keyPassphraseFile) throw new CliError('FILE_ERROR', '--key-recipient and --key-passphrase-file go with --generate-keys');
    return undefined;
  }
  if (flags.keyRecipient) {
    const certificateDer = readCertificate(flags.keyRecipient);
    readRecipientCertificate(certificateDer); // an RSA or EC P-256/P-384 key, or UNSUPPORTED_KEY now rather than per device
    return { keyType: flags.keyType, protection: { kind: 'recipient', certificateDer } };
  }
  const passphrase = await resolvePassphrase('the device keys', { ...(flags.keyPassphraseFile ? { file: flags.keyPassphraseFile } : {}), env: io.env, envName: KEY_PASSPHRASE_ENV, ...(io.prompt ? { prompt: io.prompt } : {}) })
    .catch(() => { throw new CliError('PASSPHRASE_MISSING', `no passphrase for the device keys: --key-passphrase-file, ${KEY_PASSPHRASE_ENV} or --key-recipient`); });
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new CliError('PASSPHRASE_TOO_SHORT', `the device key passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
  return { keyType: flags.keyType, protection: { kind: 'passphrase', passphrase } };
}

function summaryLine(s: BatchSummary, out: string): string {
  const b = s.batch;
  const stop = s.stoppedBy ? ` STOPPED by ${s.stoppedBy}, ${s.notProcessed} read but not processed;` : '';
  return `batch ${b.batchId} ${b.status}: ${s.issued} issued, ${s.existing} already issued, ${s.refused} refused (run ${b.runs}, ${b.issued} in the batch);${stop}`
    + ` manifest ${join(out, 'manifest')} sha256 ${b.manifestSha256 ?? '-'}`;
}

async function sign(flags: Flags, io: Io): Promise<void> {
  // 1. decode
  const format = flags.inputFormat ?? inputFormatOf(flags.in);
  if (!existsSync(flags.in)) throw new CliError('FILE_UNREADABLE', `cannot read ${flags.in}`);
  const batchId = batchIdOf(flags);
  const keyGeneration = await keyGenerationOf(flags, io);
  const total = await countRecords(flags.in, format);
  const summary = await withDeployment(flags, io, { keys: true }, async (d) => {
    const actor = cliActor(io);
    const ca = await d.ca.getCa(actor, flags.ca);
    const output = await BatchOutput.create(flags.out, { folders: flags.folders === true, certificateFormat: flags.certFormat });
    writeFileSync(join(flags.out, 'batch.json'), `${JSON.stringify({ batchId, ca: flags.ca, profile: flags.profile, mode: keyGeneration ? 'keygen' : 'csr' })}\n`);
    if (ca.certificateDer) writeFileSync(join(flags.out, 'chain.pem'), [ca.certificateDer, ...ca.chainDer].map((der) => toPem('CERTIFICATE', der)).join(''));
    // 2. call
    const progress = new Progress(io, `batch ${batchId}`, io.errIsTerminal === true, () => performance.now());
    const result = await d.ca.signBatch(actor, {
      batchId, caName: flags.ca, profile: flags.profile, ...(flags.attribute ? { attributes: flags.attribute } : {}),
      ...(flags.validity !== undefined ? { validitySeconds: flags.validity } : {}), ...(keyGeneration ? { keyGeneration } : {}),
    }, {
      requests: readBatchInput(flags.in, format, !keyGeneration), preparers: batchPreparers(flags.workers), sink: output,
      ...(flags.chunkSize !== undefined ? { chunkSize: flags.chunkSize } : {}),
      manifest: new ManifestFile(join(flags.out, 'manifest')),
      onProgress: (p) => progress.update({ done: p.read, total, detail: `issued ${p.issued} existing ${p.existing} refused ${p.refused}` }),
    });
    progress.update({ done: result.read, total, detail: `issued ${result.issued} existing ${result.existing} refused ${result.refused}` }, true);
    progress.end();
    await output.close();
    return result;
  });
  // 3. encode
  const output = new Output(io, flags.json === true);
  output.result({ ...summary, batch: { ...summary.batch, createdAt: summary.batch.createdAt.toISOString(), updatedAt: summary.batch.updatedAt.toISOString() }, total },
    () => [summaryLine(summary, flags.out)]);
  if (summary.stoppedBy) throw new ServiceError('QUOTA_EXCEEDED', `batch ${batchId} stopped: CA ${flags.ca} has issued its quota; ${summary.notProcessed + (total - summary.read)} devices not processed`);
  if (summary.refused > 0) throw new CliError('BATCH_INCOMPLETE', `${summary.refused} devices refused: see ${join(flags.out, 'refused.jsonl')}`);
}

function workersArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 64) throw new InvalidArgumentError('expected 0-64');
  return n;
}

export function registerBatchSign(batch: Command, io: Io): void {
  const cmd = addDeploymentOptions(batch.command('sign'))
    .description('sign a batch of device requests (JSON Lines or CSV) under a manufacturer CA; resumable')
    .requiredOption('--ca <name>', 'the manufacturer CA the batch signs under')
    .requiredOption('--in <file>', 'device requests: .jsonl ({"deviceId","csr",...} per line) or .csv (header deviceId,csr,...)')
    .requiredOption('--out <dir>', 'output folder: certificates.jsonl, refused.jsonl, manifest, chain.pem (a second run here resumes)')
    .option('--batch <id>', 'batch id (default: the one in <out>/batch.json, else a new one)')
    .option('--profile <name>', 'profile', 'device-idevid')
    .addOption(new Option('--input-format <format>', 'input format (default: from the file name)').choices(['jsonl', 'csv']))
    .option('--attribute <name=value>', 'attribute every certificate of the batch carries, e.g. line=7 (repeatable)', attributeArg)
    .option('--validity <duration>', 'lifetime, e.g. 20y (default: the profile\'s)', durationArg)
    .option('--folders', 'also write devices/<id>/certificate.pem (and the key) per device')
    .addOption(new Option('--cert-format <format>', 'certificate files in --folders').choices(['pem', 'der']).default('pem'))
    .option('--workers <n>', 'worker threads for CSR checks and key generation (default: one per core; 0: none)', workersArg)
    .option('--chunk-size <n>', 'devices per store transaction (default 256)', positiveIntArg)
    .option('--generate-keys', 'key-generation station: make each device\'s key here (input needs no csr)')
    .addOption(keyTypeOption('ecdsa-p256'))
    .option('--key-passphrase-file <file>', `--generate-keys: encrypt each key as PKCS#8 with this passphrase (or $${KEY_PASSPHRASE_ENV})`)
    .option('--key-recipient <cert>', '--generate-keys: encrypt each key as CMS EnvelopedData for this certificate (RSA or EC)');
  addJsonOption(cmd).action((flags: Flags) => sign(flags, io));
}
