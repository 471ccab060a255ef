// Shared by the OCSP and CRL benchmarks: a real deployment (SQLite, development hierarchy)
// in a temp folder, seeded with N issued certificates of the issuing CA whose serials we
// know, in batches through the store's recordIntents/recordIssued (as search.mjs seeds).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_NAMES } from '@fleetpki/ca';
import { certIdFor, parseCertificate } from '@fleetpki/core';
import { openDeployment, parseConfig } from '@fleetpki/server';

export const CA = DEV_NAMES.issuing;
const DAY = 86400_000;

export const serialOf = (i) => createHash('sha256').update(`bench-${i}`).digest('hex').slice(0, 32).replace(/^./, '4');

export async function openBenchDeployment(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-status-'));
  const config = parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent', ...extra });
  const deployment = await openDeployment({ config, env: { FLEETPKI_CA_PASSPHRASE: 'benchmark passphrase' }, initialize: true });
  const caRecord = await deployment.store.getCa(CA);
  const cert = parseCertificate(caRecord.certificateDer);
  const issuer = { subjectDer: cert.subjectDer, subjectPublicKey: cert.publicKey.subjectPublicKey };
  return {
    dir, config, deployment, issuer, caDer: caRecord.certificateDer,
    certId: (serial, hash = 'sha1') => certIdFor(issuer, serial, hash),
    close: async () => { await deployment.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** N issued certificates of the issuing CA, serials serialOf(from..from+n-1), valid for a year. */
export async function seedIssued(store, n, from = 0, batch = 5000) {
  const der = randomBytes(600);
  const now = Date.now();
  for (let start = from; start < from + n; start += batch) {
    const intents = Array.from({ length: Math.min(batch, from + n - start) }, (_, k) => {
      const i = start + k;
      return {
        serial: serialOf(i), caName: CA, profile: 'device-operational', subject: `CN=device-${i}`, deviceId: `dev-${i}`,
        subjectAltNames: [], notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), tbsDer: der, requester: 'bench', createdAt: new Date(now - DAY),
      };
    });
    await store.recordIntents(intents);
    await store.recordIssued(intents.map((x) => ({ serial: x.serial, der, sha256: 'ab'.repeat(32), issuedAt: x.createdAt })), []);
  }
}

/** Minimal DER for OCSP requests (a client's encoding, independent of core's parser). */
export function tlv(tag, ...parts) {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len;
  if (n < 0x80) len = Buffer.from([n]);
  else { const b = []; for (let v = n; v > 0; v = Math.floor(v / 256)) b.unshift(v & 0xff); len = Buffer.from([0x80 | b.length, ...b]); }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const seq = (...p) => tlv(0x30, ...p);
/** OCSPRequest for certIds; with a nonce, its 16 octets are the last 16 of the DER. */
export function ocspRequest(certIds, nonce) {
  const exts = nonce ? [tlv(0xa2, seq(seq(Buffer.from('06092b0601050507300102', 'hex'), tlv(0x04, tlv(0x04, nonce)))))] : [];
  return seq(seq(seq(...certIds.map((c) => seq(c.der))), ...exts));
}
