/**
 * A batch's output folder (docs/batch.md):
 *   batch.json            the batch this folder belongs to; a second run in it resumes that batch
 *   certificates.jsonl    {"deviceId","serial","certificate"[,"key"],"attributes"} per device, in input order
 *   refused.jsonl         {"line","deviceId","code","message"} per refused record
 *   manifest              the signed manifest (CMS SignedData, DER)
 *   chain.pem             the CA's certificate and its chain up to the root
 *   devices/<id>/         with --folders: certificate.pem (or .der), key.pem or key.p7m
 * Lines are written only after the store has committed what they say. A run writes the
 * JSON Lines files under a .partial name and renames them when it is through, so a run that
 * was cut off never leaves a complete-looking file; the next run writes them whole again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { BatchSink, DeviceOutcome, EncryptedKey, ManifestSink } from '@fleetpki/ca';
import { toPem, type SignedDataFrame } from '@fleetpki/core';

export interface OutputOptions {
  readonly folders: boolean;
  readonly certificateFormat: 'pem' | 'der';
}

const keyPem = (k: EncryptedKey): string => toPem(k.format === 'pkcs8' ? 'ENCRYPTED PRIVATE KEY' : 'CMS', k.der);

async function put(stream: WriteStream, data: string | Uint8Array): Promise<void> {
  if (data.length > 0 && !stream.write(data)) await once(stream, 'drain');
}

async function finishFile(stream: WriteStream, partial: string, final: string): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  const fd = await open(partial, 'r');
  try { await fd.sync(); } finally { await fd.close(); }
  await rename(partial, final);
}

export class BatchOutput implements BatchSink {
  readonly #certificates: WriteStream;
  readonly #refused: WriteStream;

  private constructor(readonly dir: string, private readonly options: OutputOptions) {
    this.#certificates = createWriteStream(join(dir, 'certificates.jsonl.partial'), { mode: 0o644 });
    this.#refused = createWriteStream(join(dir, 'refused.jsonl.partial'), { mode: 0o644 });
  }

  static async create(dir: string, options: OutputOptions): Promise<BatchOutput> {
    await mkdir(dir, { recursive: true });
    if (options.folders) await mkdir(join(dir, 'devices'), { recursive: true });
    return new BatchOutput(dir, options);
  }

  async write(outcomes: readonly DeviceOutcome[]): Promise<void> {
    let certificates = '';
    let refused = '';
    for (const o of outcomes) {
      if (o.kind === 'refused') refused += `${JSON.stringify({ line: o.line, deviceId: o.deviceId, code: o.code, message: o.message })}\n`;
      else {
        const key = o.encryptedKey ? `,"key":${JSON.stringify(keyPem(o.encryptedKey))}` : '';
        certificates += `{"deviceId":${JSON.stringify(o.deviceId)},"serial":"${o.serial}","certificate":${JSON.stringify(toPem('CERTIFICATE', o.certificateDer))}${key}`
          + `,"attributes":${JSON.stringify(o.attributes)}}\n`;
      }
    }
    await Promise.all([put(this.#certificates, certificates), put(this.#refused, refused), this.options.folders ? this.#folders(outcomes) : null]);
  }

  async #folders(outcomes: readonly DeviceOutcome[]): Promise<void> {
    await Promise.all(outcomes.map(async (o) => {
      if (o.kind === 'refused') return;
      const dir = join(this.dir, 'devices', o.deviceId);
      await mkdir(dir, { recursive: true });
      const der = this.options.certificateFormat === 'der';
      await writeFile(join(dir, der ? 'certificate.der' : 'certificate.pem'), der ? o.certificateDer : toPem('CERTIFICATE', o.certificateDer), { mode: 0o644 });
      if (o.encryptedKey?.format === 'pkcs8') await writeFile(join(dir, 'key.pem'), keyPem(o.encryptedKey), { mode: 0o600 });
      if (o.encryptedKey?.format === 'cms') await writeFile(join(dir, 'key.p7m'), o.encryptedKey.der, { mode: 0o600 });
    }));
  }

  async close(): Promise<void> {
    await finishFile(this.#certificates, join(this.dir, 'certificates.jsonl.partial'), join(this.dir, 'certificates.jsonl'));
    await finishFile(this.#refused, join(this.dir, 'refused.jsonl.partial'), join(this.dir, 'refused.jsonl'));
  }
}

/** The manifest file: content kept aside while it is read from the store, then framed and hashed whole. */
export class ManifestFile implements ManifestSink {
  readonly #content: WriteStream;
  readonly #contentPath: string;

  constructor(private readonly path: string) {
    this.#contentPath = `${path}.content.partial`;
    this.#content = createWriteStream(this.#contentPath, { mode: 0o600 });
  }

  async content(bytes: Uint8Array): Promise<void> {
    await put(this.#content, bytes);
  }

  async seal(frame: SignedDataFrame): Promise<string> {
    await new Promise<void>((resolve, reject) => this.#content.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const partial = `${this.path}.partial`;
    const out = createWriteStream(partial, { mode: 0o644 });
    const hash = createHash('sha256');
    const emit = async (b: Uint8Array): Promise<void> => { hash.update(b); await put(out, b); };
    await emit(frame.head);
    for await (const piece of createReadStream(this.#contentPath)) await emit(piece as Buffer);
    await emit(frame.tail);
    await finishFile(out, partial, this.path);
    await rm(this.#contentPath, { force: true });
    return hash.digest('hex');
  }
}
