/**
 * Test fixture: a real FleetPKI server (SQLite deployment, REST API, OCSP on HTTP, EST on
 * TLS) composed in this process around a CertificateAuthority whose clock is the test's:
 * `clock.offsetMs` moves the CA, its OCSP responder and the agent together, so two years
 * pass in seconds. The TLS server certificate is re-issued on that clock by refreshTls()
 * (the server does it every 12 real hours). startTls and ensureServerCredentials are not
 * exported by @fleetpki/server, so they are imported from its build output: test-only.
 * Groups and secrets are made through the REST API; IDevIDs come from a manufacturer CA.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { buildApp, openDeployment, parseConfig, type Config, type Deployment } from '@fleetpki/server';
import type { FastifyInstance } from 'fastify';
import { Agent, parseConfig as agentConfig, type AgentConfig, type Clock } from '../src/index.js';

interface TlsListener { readonly url: string; setCredentials(keyPem: string, certPem: string): void }
interface RunningTls { readonly listener: TlsListener; close(): Promise<void> }
interface TlsServe { startTls(config: Config, ca: CertificateAuthority, seal: Deployment['keySeal'], app: FastifyInstance, events?: Deployment['events']): Promise<RunningTls | null>; tlsNames(config: Config): string[] }
interface TlsCertificate { ensureServerCredentials(ca: CertificateAuthority, dataDir: string, names: readonly string[], seal: Deployment['keySeal']): Promise<{ credentials: { keyPem: string; certPem: string }; issued: boolean }> }
const serverDist = (file: string): string => new URL(`../../../server/dist/src/${file}`, import.meta.url).href;

export const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a ? a.port : 0)); });
  s.on('error', reject);
});

export interface TestClock extends Clock { offsetMs: number }

export function testClock(): TestClock {
  const c = { offsetMs: 0, now: () => new Date(Date.now() + c.offsetMs), sleep: async (ms: number) => { c.offsetMs += ms; } };
  return c;
}

export interface Fixture {
  readonly dir: string;
  readonly url: string;
  readonly tlsUrl: string;
  readonly clock: TestClock;
  readonly ca: CertificateAuthority;
  readonly rootPem: string;
  readonly cm1Pem: string;
  readonly token: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- REST answers of many shapes, read field by field
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  group(label: string, extra?: Record<string, unknown>): Promise<void>;
  /** An IDevID from cm1: files for the agent's bootstrap. */
  bootstrap(deviceId: string): Promise<{ certFile: string; keyFile: string }>;
  agentConfig(name: string, extra: Record<string, unknown>): AgentConfig;
  agent(name: string, extra: Record<string, unknown>, random?: () => number): Agent;
  refreshTls(): Promise<void>;
  stopTls(): Promise<void>;
  startTls(): Promise<void>;
  close(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-agent-'));
  const [port, tlsPort] = [await freePort(), await freePort()];
  const config = parseConfig({ dataDir: join(dir, 'data'), listen: { host: '127.0.0.1', port }, listenTls: { host: '127.0.0.1', port: tlsPort }, logLevel: 'silent' });
  const d = await openDeployment({ config, env: {}, initialize: true });
  const clock = testClock();
  const ca = new CertificateAuthority({ ...d.ca.deps, clock });
  d.events.subscribe((e) => {
    if (e.type === 'ca.changed') { ca.issuers.invalidate(e.caName); ca.ocsp.forgetIssuers(); }
    if (e.type === 'certificate.revoked' || e.type === 'certificate.hold_released') ca.ocsp.forget(e.caName, e.serial);
  });
  const app = await buildApp({ ca, config, events: d.events });
  await app.listen({ host: '127.0.0.1', port });
  const tlsServe = (await import(serverDist('tls-serve.js'))) as TlsServe;
  const tlsCert = (await import(serverDist('tls-certificate.js'))) as TlsCertificate;
  let tls = (await tlsServe.startTls(config, ca, d.keySeal, app, d.events))!;
  const cm1 = await ca.createManufacturerCa(SYSTEM_ACTOR, {
    name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Manufacturing CA,O=Contoso', manufacturer: 'Contoso',
    namespace: 'cm1.devices.example.com', quota: null, keyType: 'ecdsa-p256',
  });
  const cm1Pem = toPem('CERTIFICATE', cm1.certificateDer!);
  const rootPem = readFileSync(join(dir, 'data', 'dev-root', 'root.crt.pem'), 'utf8');
  const rootFile = join(dir, 'root.pem');
  writeFileSync(rootFile, rootPem);
  const token = d.firstStart!.adminToken;
  const url = `http://127.0.0.1:${port}`;
  const f: Fixture = {
    dir, url, tlsUrl: `https://127.0.0.1:${tlsPort}`, clock, ca, rootPem, cm1Pem, token,
    async api(method, path, body) {
      const r = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, json: r.headers.get('content-type')?.includes('json') ? await r.json() : null };
    },
    async group(label, extra = {}) {
      const r = await f.api('POST', '/enrollment-groups', { label, profile: 'device-operational', anchors: [cm1Pem], deviceIdPattern: '^sensor-[0-9a-z-]{1,40}$', bootstrapReuse: 'until-operational', ...extra });
      if (r.status !== 201) throw new Error(`group: ${r.status} ${JSON.stringify(r.json)}`);
    },
    async bootstrap(deviceId) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const csrDer = await buildCsr({ subject: parseNameString(`serialNumber=${deviceId}`) }, softwareSigner(privateKey));
      const r = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: 'device-idevid', caName: 'cm1' });
      const bdir = join(dir, 'idevid');
      mkdirSync(bdir, { recursive: true });
      const certFile = join(bdir, `${deviceId}.pem`);
      const keyFile = join(bdir, `${deviceId}.key`);
      writeFileSync(certFile, toPem('CERTIFICATE', r.certificateDer) + cm1Pem);
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
      return { certFile, keyFile };
    },
    agentConfig(name, extra) {
      return agentConfig({ stateDir: join(dir, 'agents', name), estUrl: f.tlsUrl, trustAnchorsFile: rootFile, timeoutMs: 10_000, ...extra });
    },
    agent(name, extra, random = Math.random) {
      return new Agent({ config: f.agentConfig(name, extra), clock, random });
    },
    async refreshTls() {
      const r = await tlsCert.ensureServerCredentials(ca, config.dataDir, tlsServe.tlsNames(config), d.keySeal);
      if (r.issued) tls.listener.setCredentials(r.credentials.keyPem, r.credentials.certPem);
    },
    stopTls: () => tls.close(),
    async startTls() { tls = (await tlsServe.startTls(config, ca, d.keySeal, app, d.events))!; },
    async close() {
      await tls.close().catch(() => {});
      await app.close();
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}
