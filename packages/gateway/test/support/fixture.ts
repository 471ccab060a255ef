/**
 * Test fixture: a real deployment (SQLite, development hierarchy) in a temp folder and a
 * gateway node over it in this process, listening on loopback ports chosen by the kernel.
 * Devices get real P-256 keys and certificates from the deployment's issuing CA. Stapling
 * is off here (no responder runs in-process); the peers test covers it with real processes.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem, type GeneralName } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { openDeployment, parseConfig, type Deployment } from '@fleetpki/server';
import { parseGatewayConfig, startGateway, type RunningGateway } from '../../src/index.js';

export interface Device {
  readonly id: string;
  readonly serial: string;
  readonly keyPem: string;
  /** The device certificate alone. */
  readonly certPem: string;
  /** The certificate and the issuing CA's (what most stacks send). */
  readonly chainPem: string;
}

export interface GatewayFixture {
  readonly dir: string;
  readonly deployment: Deployment;
  readonly gateway: RunningGateway;
  readonly rootPem: string;
  readonly httpsPort: number;
  readonly mqttPort: number;
  readonly errors: unknown[];
  issue(id: string, o?: { subject?: string; sans?: GeneralName[]; profile?: string; deviceId?: string | null }): Promise<Device>;
  /** TLS options of a device connecting (our root as its trust anchor). */
  tls(d: Device | null, extra?: ConnectionOptions): ConnectionOptions;
  close(): Promise<void>;
}

const portOf = (url: string | null): number => Number(new URL(url!.replace('mqtts:', 'https:')).port);

export function pemKey(k: KeyObject): string {
  return k.export({ type: 'pkcs8', format: 'pem' }) as string;
}

export async function openGatewayFixture(gatewayRaw: Record<string, unknown> = {}, trust: { anchorsDer?: Uint8Array[] } = {}): Promise<GatewayFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-gateway-'));
  const config = parseConfig({ dataDir: dir, listen: { port: 0 }, logLevel: 'silent' });
  const deployment = await openDeployment({ config, env: {}, initialize: true });
  const errors: unknown[] = [];
  const gateway = await startGateway({
    deployment,
    config: parseGatewayConfig({ tls: { stapling: false }, presenceFlushMs: 50, statusPollMs: 20, ...gatewayRaw }, 'gw-test'),
    listeners: { https: { host: '127.0.0.1', port: 0 }, mqtt: { host: '127.0.0.1', port: 0 }, metrics: null },
    trust: { anchorsDer: trust.anchorsDer ?? [], intermediatesDer: [], trustDeploymentRoots: true },
    log: (level, _m, err) => { if (level === 'error') errors.push(err); },
  });
  const rootPem = readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8');
  const f: GatewayFixture = {
    dir, deployment, gateway, rootPem, errors,
    httpsPort: portOf(gateway.urls.https), mqttPort: portOf(gateway.urls.mqtt),
    issue: async (id, o = {}) => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const csrDer = await buildCsr({ subject: parseNameString(o.subject ?? `CN=${id}`), subjectAltNames: o.sans ?? [] }, softwareSigner(privateKey));
      const deviceId = o.deviceId === undefined ? id : o.deviceId;
      const r = await deployment.ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: o.profile ?? 'device-operational', ...(deviceId ? { deviceId } : {}) });
      const certPem = toPem('CERTIFICATE', r.certificateDer);
      return { id, serial: r.serial, keyPem: pemKey(privateKey), certPem, chainPem: certPem + toPem('CERTIFICATE', r.chainDer[0]!) };
    },
    tls: (d, extra = {}) => ({ ca: rootPem, servername: 'localhost', ...(d ? { key: d.keyPem, cert: d.chainPem } : {}), ...extra }),
    close: async () => {
      await gateway.close();
      await deployment.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}
