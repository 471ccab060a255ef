/**
 * Fixture for the enrollment tests: a real deployment (SQLite, development hierarchy), a
 * manufacturer CA "cm1" whose IDevIDs are bootstrap certificates, and a CertificateAuthority
 * over the same store with a settable clock and the node:http webhook client.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, ServiceError, SYSTEM_ACTOR, type EnrollmentGroupInput, type EnrollRequest } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem, type GeneralName } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { openDeployment, parseConfig, type Deployment } from '../src/index.js';
import { httpWebhookClient } from '../src/webhook.js';

export const PATTERN = '^sensor-[0-9a-f]{8}$';

export interface EnrollmentFixture {
  readonly d: Deployment;
  readonly ca: CertificateAuthority;
  readonly clock: { offsetMs: number };
  /** PEM of the manufacturer CA cm1 (a group anchor). */
  readonly cm1Pem: string;
  readonly cm1Der: Uint8Array;
  bootstrap(deviceId: string, caName?: string): Promise<readonly Uint8Array[]>;
  group(input?: Partial<EnrollmentGroupInput>): Promise<string>;
  close(): Promise<void>;
}

export const csrFor = (subject: string, sans: GeneralName[] = [], challengePassword?: string): Promise<Buffer> =>
  buildCsr({ subject: parseNameString(subject), subjectAltNames: sans, ...(challengePassword !== undefined ? { challengePassword } : {}) },
    softwareSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));

export async function openEnrollment(): Promise<EnrollmentFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-enroll-'));
  const d = await openDeployment({ config: parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent' }), env: {}, initialize: true });
  const clock = { offsetMs: 0 };
  const ca = new CertificateAuthority({ ...d.ca.deps, clock: { now: () => new Date(Date.now() + clock.offsetMs) }, webhook: httpWebhookClient() });
  const cm1 = await ca.createManufacturerCa(SYSTEM_ACTOR, {
    name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Manufacturing CA,O=Contoso', manufacturer: 'Contoso',
    namespace: 'cm1.devices.example.com', quota: null, keyType: 'ecdsa-p256',
  });
  const cm1Der = cm1.certificateDer!;
  let labels = 0;
  return {
    d, ca, clock, cm1Der, cm1Pem: toPem('CERTIFICATE', cm1Der),
    async bootstrap(deviceId, caName = 'cm1') {
      const r = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer: await csrFor(`serialNumber=${deviceId}`), profile: 'device-idevid', caName });
      return [r.certificateDer, ...r.chainDer.slice(0, 1)];
    },
    async group(input = {}) {
      const g = await ca.createEnrollmentGroup(SYSTEM_ACTOR, {
        label: `sensors-${++labels}`, profile: 'device-operational', anchors: [toPem('CERTIFICATE', cm1Der)], deviceIdPattern: PATTERN, ...input,
      });
      return g.label;
    },
    close: async () => { await d.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

export function request(label: string | null, csrDer: Uint8Array, auth: EnrollRequest['auth'], extra: Partial<EnrollRequest> = {}): EnrollRequest {
  return { label, operation: 'simpleenroll', csrDer, auth, channelBinding: null, source: '192.0.2.7', ...extra };
}

export async function codeOf(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { if (e instanceof ServiceError) return e.code; throw e; }
  return 'NO_ERROR';
}

export async function errorOf(p: Promise<unknown>): Promise<ServiceError> {
  try { await p; } catch (e) { if (e instanceof ServiceError) return e; throw e; }
  throw new Error('expected a ServiceError');
}

/** Certificates issued under the operational profile (what enrollment issues). */
export async function operationalCount(f: EnrollmentFixture): Promise<number> {
  return (await f.d.store.searchCertificates({ profile: 'device-operational', limit: 1000 })).items.length;
}

export async function lastAudit(f: EnrollmentFixture): Promise<{ action: string; outcome: string; code: string | null; detail: Record<string, unknown> | null }> {
  const all = await f.d.store.readAudit(0, 100000);
  const e = all[all.length - 1]!;
  return { action: e.action, outcome: e.outcome, code: e.code ?? null, detail: (e.detail ?? null) as Record<string, unknown> | null };
}
