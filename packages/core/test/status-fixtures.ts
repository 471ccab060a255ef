/**
 * Fixtures for the CRL and OCSP tests: a CA, certificates it issued (devices and a
 * delegated OCSP signer), files for the peers, and `openssl` run with a time limit.
 * Certificates are valid around NOW (2030), so every openssl verification takes -attime.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issue, parseCertificate, parseNameString, parseSpkiDer, prepare, toPem, type Certificate, type Signer } from '../src/index.js';
import { NOW, profile, serial, signerFor, testCa } from './helpers.js';

export const ATTIME = String(Math.floor(NOW.getTime() / 1000));

export interface Issued {
  readonly der: Buffer;
  readonly cert: Certificate;
  readonly signer: Signer;
}

export type TestCa = Awaited<ReturnType<typeof testCa>>;

export async function issueDevice(ca: TestCa, deviceId: string): Promise<Issued> {
  const signer = signerFor('p256');
  const p = prepare(profile('device-operational'), ca.context,
    { publicKey: parseSpkiDer(signer.publicKeyDer), subject: parseNameString(`CN=${deviceId}`), subjectAltNames: [], deviceId }, { now: NOW, serial: serial() });
  const der = await issue(p, ca.signer);
  return { der, cert: parseCertificate(der), signer };
}

export async function issueOcspSigner(ca: TestCa): Promise<Issued> {
  const signer = signerFor('p256');
  const p = prepare(profile('ocsp-signer'), ca.context,
    { publicKey: parseSpkiDer(signer.publicKeyDer), subject: parseNameString('CN=Test OCSP Responder'), subjectAltNames: [] }, { now: NOW, serial: serial() });
  const der = await issue(p, ca.signer);
  return { der, cert: parseCertificate(der), signer };
}

/** A scratch folder; `file(name, der, label?)` writes DER, or PEM when a label is given, and returns the path. */
export function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `fleetpki-${prefix}-`));
  return {
    dir,
    file(name: string, der: Uint8Array | readonly Uint8Array[], label?: string): string {
      const path = join(dir, name);
      const blocks = Array.isArray(der) ? der : [der];
      writeFileSync(path, label ? blocks.map((b) => toPem(label, b)).join('') : Buffer.concat(blocks));
      return path;
    },
  };
}

export interface Ran {
  readonly status: number | null;
  /** stdout and stderr together: openssl prints verdicts on either. */
  readonly output: string;
}

export function openssl(args: readonly string[], cwd?: string): Ran {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
