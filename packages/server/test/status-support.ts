/**
 * Shared by the revocation-status tests: OCSP requests built by hand (a client's view, so
 * core's parser is not asked to judge its own output), issuance and revocation through the
 * REST API, and the issuing CA as an OCSP issuer.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DEV_NAMES } from '@fleetpki/ca';
import { certIdFor, parseCertificate, type CertId, type OcspIssuer } from '@fleetpki/core';
import type { IssueResponse } from '../src/schemas/certificates.js';
import { json, quickCsr, type TestApp } from './helpers.js';

/** A DER TLV with a definite length (short or long form). */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
export const seq = (...parts: readonly Uint8Array[]): Buffer => tlv(0x30, ...parts);
const NONCE_EXTENSION_OID = Buffer.from('06092b0601050507300102', 'hex'); // 1.3.6.1.5.5.7.48.1.2

/** OCSPRequest (RFC 6960 4.1.1) for `certIds`, with an optional nonce (RFC 8954: an OCTET STRING in the extnValue). */
export function ocspRequest(certIds: readonly CertId[], nonce?: Uint8Array): Buffer {
  const list = seq(...certIds.map((c) => seq(c.der)));
  const exts = nonce ? [tlv(0xa2, seq(seq(NONCE_EXTENSION_OID, tlv(0x04, tlv(0x04, nonce)))))] : [];
  return seq(seq(list, ...exts));
}

export interface Issuing {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly issuer: OcspIssuer;
  readonly rootPem: string;
}

const pem = (der: Uint8Array): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

export async function issuingCa(t: Pick<TestApp, 'deployment'>): Promise<Issuing> {
  const ca = await t.deployment.store.getCa(DEV_NAMES.issuing);
  const root = await t.deployment.store.getCa(DEV_NAMES.root);
  const cert = parseCertificate(ca!.certificateDer!);
  return { der: ca!.certificateDer!, pem: pem(ca!.certificateDer!), issuer: { subjectDer: cert.subjectDer, subjectPublicKey: cert.publicKey.subjectPublicKey }, rootPem: pem(root!.certificateDer!) };
}

let csr: string | undefined;
export async function issueDevice(t: TestApp, deviceId: string, profile = 'device-operational'): Promise<IssueResponse> {
  csr ??= await quickCsr('CN=device');
  const r = await t.app.inject({ method: 'POST', url: '/api/v1/certificates', headers: t.admin, payload: { csr, profile, deviceId } });
  assert.equal(r.statusCode, 201, r.body);
  return json<IssueResponse>(r);
}

export async function revoke(t: TestApp, serial: string, reason = 'keyCompromise'): Promise<void> {
  const r = await t.app.inject({ method: 'POST', url: `/api/v1/certificates/${serial}/revoke`, headers: t.admin, payload: { reason } });
  assert.equal(r.statusCode, 200, r.body);
}

export const idFor = (i: Issuing, serial: string, hash: 'sha1' | 'sha256' = 'sha1'): CertId => certIdFor(i.issuer, serial, hash);

export interface Ran { readonly code: number | null; readonly stdout: string; readonly stderr: string }

/** A peer process, bounded in time; a hung peer is killed and reported, never awaited forever. */
export function run(command: string, args: readonly string[], timeoutMs = 20_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { stderr += `\n[killed after ${timeoutMs} ms]`; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
