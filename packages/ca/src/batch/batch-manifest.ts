/**
 * The signed manifest of a batch (core/batch/manifest.ts): every issued device, its
 * serial and certificate hash, read from the store page by page and signed by the batch's
 * CA as a CMS SignedData (core/cms/signed-data-frame.ts). Memory stays flat whatever the
 * batch size: content goes to the sink as it is read, and only its digest is kept here.
 */
import { createHash } from 'node:crypto';
import {
  certificateSha256, frameSignedData, manifestEntryLine, manifestHeaderLine, manifestTrailerLine, OID_BATCH_MANIFEST, parseCertificate, signerDigest,
  type SignedDataFrame,
} from '@fleetpki/core';
import type { CaDeps } from '../context.js';
import type { OnlineIssuer } from '../issue/issuer-registry.js';
import type { BatchRecord } from '../ports/batch-store.js';

/** Where the manifest is written (a file, by the CLI). */
export interface ManifestSink {
  /** The content, in order; the sink keeps it until seal(). */
  content(bytes: Uint8Array): Promise<void>;
  /** Writes head + the content + tail; resolves with the lower-case hex SHA-256 of the whole. */
  seal(frame: SignedDataFrame): Promise<string>;
}

const PAGE = 5000;

/** The signer's certificate and the chain a verifier needs, without the root (the verifier's anchor). */
function carried(issuer: OnlineIssuer) {
  return [issuer.certificate, ...issuer.chainDer.slice(1, -1).map((der) => parseCertificate(der))];
}

export async function writeManifest(deps: CaDeps, issuer: OnlineIssuer, batch: BatchRecord, sink: ManifestSink): Promise<{ sha256: string; count: number }> {
  const digest = createHash(signerDigest(issuer.signer));
  let length = 0;
  const put = async (text: string): Promise<void> => {
    const bytes = Buffer.from(text, 'utf8');
    digest.update(bytes);
    length += bytes.length;
    await sink.content(bytes);
  };
  await put(manifestHeaderLine({
    batchId: batch.batchId, ca: batch.caName, caCertificateSha256: certificateSha256(issuer.certificate.der), manufacturer: batch.manufacturer,
    profile: batch.profile, signedAt: deps.clock.now().toISOString(),
  }));
  let count = 0;
  for (let after: string | null = null; ;) {
    const page = await deps.store.pageBatchManifest(batch.batchId, after, PAGE);
    if (page.length === 0) break;
    await put(page.map(manifestEntryLine).join(''));
    count += page.length;
    after = page[page.length - 1]!.deviceId;
  }
  await put(manifestTrailerLine(count));
  const frame = await frameSignedData({
    eContentType: OID_BATCH_MANIFEST, eContentLength: length, messageDigest: digest.digest(), certificates: carried(issuer), signer: issuer.signer,
  });
  return { sha256: await sink.seal(frame), count };
}
