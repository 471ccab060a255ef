/**
 * `fleetpki batch import`: what an offline station signed, into this (central) store. The
 * station's output folder is read as it wrote it: the manifest is verified against the
 * CA's own chain here, then every line of certificates.jsonl is checked against the CA and
 * the manifest and recorded (quota counted, audited). Importing again skips what is here.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { ServiceError, type BatchInputFault, type ImportedCertificate } from '@fleetpki/ca';
import { fromPem, parseCertificate, verifyManifestSignature, type ManifestLineEntry } from '@fleetpki/core';
import { lines } from '../batch-input.js';
import { cliActor, withDeployment } from '../deployment.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { readManifestFile } from '../manifest-reader.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output } from '../output.js';

interface Flags extends DeploymentFlags { readonly dir: string; readonly json?: boolean }

type Item = { kind: 'certificate'; certificate: ImportedCertificate } | { kind: 'fault'; fault: BatchInputFault };

async function* certificates(path: string): AsyncGenerator<Item> {
  let line = 0;
  for await (const text of lines(path)) {
    line++;
    if (text.trim() === '') continue;
    try {
      const o = JSON.parse(text) as { deviceId: string; certificate: string; attributes?: Record<string, string> };
      const { batch: _batch, ...attributes } = o.attributes ?? {};
      yield { kind: 'certificate', certificate: { line, deviceId: o.deviceId, certificateDer: fromPem(o.certificate, ['CERTIFICATE']), attributes } };
    } catch (e) {
      yield { kind: 'fault', fault: { line, deviceId: null, message: (e as Error).message } };
    }
  }
}

async function importDir(flags: Flags, io: Io): Promise<void> {
  const listed = new Map<string, { deviceId: string; sha256: string }>();
  const read = await readManifestFile(join(flags.dir, 'manifest'), (e: ManifestLineEntry) => { listed.set(e.serial, { deviceId: e.deviceId, sha256: e.sha256 }); });
  if ('error' in read.content) throw new CliError(read.content.error.code, read.content.error.message);
  const { header } = read.content;
  const summary = await withDeployment(flags, io, { keys: false }, async (d) => {
    const actor = cliActor(io);
    const ca = await d.ca.getCa(actor, header.ca);
    const chain = [ca.certificateDer!, ...ca.chainDer];
    const root = parseCertificate(chain[chain.length - 1]!);
    const r = verifyManifestSignature({ layout: read.layout, tail: read.tail, contentDigest: read.digest, anchors: [{ kind: 'certificate', certificate: root }], now: new Date() });
    if (!r.ok) throw new CliError(r.code, r.message);
    return d.ca.importBatch(actor, {
      batchId: header.batchId, caName: header.ca, profile: header.profile, manifestSigner: r.signer.der, listed,
      certificates: certificates(join(flags.dir, 'certificates.jsonl')),
    });
  });
  new Output(io, flags.json === true).result({ ...summary, batch: summary.batch.batchId },
    (v) => [...fields([['batch', v.batch], ['imported', v.imported], ['already here', v.existing], ['refused', v.refused.length], ['stopped by', v.stoppedBy ?? undefined]]),
      ...v.refused.slice(0, 20).map((x) => `line ${x.line} ${x.deviceId ?? '-'}: ${x.code} ${x.message}`)]);
  if (summary.stoppedBy) throw new ServiceError('QUOTA_EXCEEDED', `import of batch ${header.batchId} stopped: CA ${header.ca} has issued its quota`);
  if (summary.refused.length) throw new CliError('BATCH_INCOMPLETE', `${summary.refused.length} certificates refused`);
}

export function registerBatchImport(batch: Command, io: Io): void {
  const cmd = addDeploymentOptions(batch.command('import'))
    .description('import a batch an offline station signed: its output folder (manifest, certificates.jsonl)')
    .requiredOption('--dir <dir>', 'the station\'s output folder');
  addJsonOption(cmd).action((flags: Flags) => importDir(flags, io));
}
