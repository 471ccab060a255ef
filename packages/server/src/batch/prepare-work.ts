/**
 * The work of BatchPreparer (@fleetpki/ca ports/batch-preparer.ts) for one list of
 * requests, the same in a worker thread and in the calling thread: CSRs are verified and
 * prepared by the use case's own function; a station's keys are made here, and the private
 * half leaves this function only encrypted (PKCS#8 under the batch passphrase, RFC 5958
 * with PBES2; or CMS EnvelopedData for a recipient certificate, RFC 5652 6, holding the
 * PKCS#8 as id-data so `openssl cms -decrypt | openssl pkey -inform DER` reads it).
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import {
  prepareCsrRequest, prepareStationKey, refusedOutcome, sha256Hex, type BatchPrepareContext, type PrepareRequest, type EncryptedKey, type KeyProtection,
  type PrepareOutcome, type SignedTbs,
} from '@fleetpki/ca';
import { assembleSigned, certificateSha256, encodeEnvelopedData, OID_CMS_DATA, parseSpkiDer, type Signer } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner } from '@fleetpki/keys';

/** PBKDF2 iterations OpenSSL 3 writes for `pkcs8 -topk8 -v2 aes-256-cbc` too (PKCS5_DEFAULT_ITER), which is what node's export uses. */
export function encryptDeviceKey(key: KeyObject, protection: KeyProtection): EncryptedKey {
  if (protection.kind === 'passphrase') {
    const der = key.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: protection.passphrase });
    return { format: 'pkcs8', der: new Uint8Array(der) };
  }
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  try {
    const der = encodeEnvelopedData({ contentType: OID_CMS_DATA, content: pkcs8, recipient: { kind: 'certificate', certificateDer: protection.certificateDer }, random: randomBytes });
    return { format: 'cms', der: new Uint8Array(der) };
  } finally {
    pkcs8.fill(0);
  }
}

function stationRequest(ctx: BatchPrepareContext, req: PrepareRequest, serial: Uint8Array, now: Date): PrepareOutcome {
  const generation = ctx.keyGeneration!;
  try {
    const privateKey = generatePrivateKey(generation.keyType);
    const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
    const { prepared, crlShard } = prepareStationKey(ctx, req, parseSpkiDer(spki), serial, now);
    return { ok: true, prepared, crlShard, spkiSha256: sha256Hex(spki), csrSha256: null, encryptedKey: encryptDeviceKey(privateKey, generation.protection) };
  } catch (e) {
    return refusedOutcome(e);
  }
}

/**
 * The CA key's Signer on this thread, made once per batch context. keys' softwareSigner
 * picks the hash and padding from the key, as the CA's own Signer does; the algorithm is
 * checked against the TBSs' so a key mismatch signs nothing.
 */
const signers = new WeakMap<BatchPrepareContext, Signer>();

function signerOf(ctx: BatchPrepareContext): Signer {
  let s = signers.get(ctx);
  if (!s) {
    if (!ctx.signingKey) throw new Error('this batch context holds no signing key');
    s = softwareSigner(ctx.signingKey, { rsaPss: ctx.issuer.signatureAlgorithm === 'RSASSA-PSS-SHA256' });
    if (s.algorithm !== ctx.issuer.signatureAlgorithm) throw new Error(`the CA key signs ${s.algorithm}, the TBSs name ${ctx.issuer.signatureAlgorithm}`);
    signers.set(ctx, s);
  }
  return s;
}

/** Exactly the recorded TBSs, signed with the CA key: the certificates and their SHA-256, in order. */
export async function signRecorded(ctx: BatchPrepareContext, tbs: readonly Uint8Array[]): Promise<SignedTbs[]> {
  const signer = signerOf(ctx);
  return Promise.all(tbs.map(async (t) => {
    const der = assembleSigned(t, signer.algorithm, await signer.sign(t));
    return { der, sha256: certificateSha256(der) };
  }));
}

/** One outcome per request, in order. CSR checks run concurrently: key imports go through WebCrypto's async path. */
export async function prepareRequests(ctx: BatchPrepareContext, requests: readonly PrepareRequest[], serials: readonly Uint8Array[], now: Date): Promise<PrepareOutcome[]> {
  if (ctx.keyGeneration) return requests.map((r, i) => stationRequest(ctx, r, serials[i]!, now));
  return Promise.all(requests.map((r, i) => prepareCsrRequest(ctx, r, serials[i]!, now)));
}
