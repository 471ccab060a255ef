/**
 * Steps 2 and 3 of the issuance cycle for one device of a batch, as a pure function a
 * worker thread can run (ports/batch-preparer.ts):
 *   2. possession - the CSR parses (defensively) and its signature verifies (RFC 2986 3);
 *                   a station's own key needs no proof
 *   3. prepare    - core profile checks and the TBS, with the serial and `now` given
 * A refusal is data ({ ok: false, code }) so one bad device never stops the others; any
 * other exception is a bug and propagates.
 */
import { createHash } from 'node:crypto';
import { attribute, isPkiError, parseAndVerifyCsr, prepare, type GeneralName, type Name, type PreparedCertificate, type PublicKeyInfo } from '@fleetpki/core';
import { crlPlacement } from '../revocation/crl-shard.js';
import { ServiceError } from '../errors.js';
import type { BatchPrepareContext, PrepareRequest, PrepareOutcome } from '../ports/batch-preparer.js';

export const sha256Hex = (der: Uint8Array): string => createHash('sha256').update(der).digest('hex');

/** A refusal as data; anything that is neither a PkiError nor a ServiceError is rethrown. */
export function refusedOutcome(e: unknown): PrepareOutcome & { ok: false } {
  if (isPkiError(e) || e instanceof ServiceError) return { ok: false, code: e.code, message: e.message };
  throw e;
}

interface Placed { readonly prepared: PreparedCertificate; readonly crlShard: number }

function prepareFor(ctx: BatchPrepareContext, req: PrepareRequest, key: PublicKeyInfo, subject: Name, sans: readonly GeneralName[], serial: Uint8Array, now: Date): Placed {
  const { crlShard, crlDistributionPoints } = crlPlacement(ctx.publicUrl, ctx.crlShards, ctx.issuer.name, serial);
  const prepared = prepare(ctx.profile, ctx.issuer, {
    publicKey: key, subject, subjectAltNames: sans, deviceId: req.deviceId,
    ...(ctx.validitySeconds !== undefined ? { validitySeconds: ctx.validitySeconds } : {}),
  }, { now, serial, ...(crlDistributionPoints ? { crlDistributionPoints } : {}) });
  return { prepared, crlShard };
}

/** A device's own key: its CSR, checked, then prepared with the CSR's subject and names. */
export async function prepareCsrRequest(ctx: BatchPrepareContext, req: PrepareRequest, serial: Uint8Array, now: Date): Promise<PrepareOutcome> {
  if (req.csrDer === null) return { ok: false, code: 'BATCH_LINE_INVALID', message: 'the request has no CSR' };
  try {
    const csr = await parseAndVerifyCsr(req.csrDer);
    const { prepared, crlShard } = prepareFor(ctx, req, csr.publicKey, csr.subject, csr.subjectAltNames, serial, now);
    return { ok: true, prepared, crlShard, spkiSha256: sha256Hex(csr.publicKey.spki), csrSha256: sha256Hex(req.csrDer), encryptedKey: null };
  } catch (e) {
    return refusedOutcome(e);
  }
}

/**
 * The subject of a certificate for a key the station made: the device id as serialNumber
 * where the profile allows it (IEEE 802.1AR 8.6 puts the device serial number there), else
 * as CN, else no subject (the device id URI alone names it).
 */
export function stationSubject(ctx: BatchPrepareContext, deviceId: string): Name {
  if (ctx.profile.subjectAllowed.has('serialNumber')) return [[attribute('serialNumber', deviceId)]];
  if (ctx.profile.subjectAllowed.has('CN')) return [[attribute('CN', deviceId)]];
  return [];
}

/** A key the station made (the caller keeps the private half): prepared for the device id. */
export function prepareStationKey(ctx: BatchPrepareContext, req: PrepareRequest, publicKey: PublicKeyInfo, serial: Uint8Array, now: Date): Placed {
  return prepareFor(ctx, req, publicKey, stationSubject(ctx, req.deviceId), [], serial, now);
}
