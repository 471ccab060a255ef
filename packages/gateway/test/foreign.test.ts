/**
 * Devices of a CA we do not run: another FleetPKI deployment plays it, with its own OCSP
 * responder and CRLs on a loopback port (the URLs its certificates carry). Not configured
 * as an anchor: refused by path validation. Configured: admitted while its OCSP (or CRL)
 * says good, refused once it says revoked (a live connection too, when asked again), and,
 * when no answer comes, refused
 * (GATEWAY_REVOCATION_UNKNOWN) or admitted as `failClosed` says.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { generateKeyPairSync } from 'node:crypto';
import { buildCsr, fromPemAll, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { buildApp, openDeployment, parseConfig, type Deployment } from '@fleetpki/server';
import type { FastifyInstance } from 'fastify';
import { openGatewayFixture, pemKey, type Device, type GatewayFixture } from './support/fixture.js';
import { post } from './support/https-client.js';
import { MqttClient } from './support/mqtt-client.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

interface ForeignCa { deployment: Deployment; app: FastifyInstance; rootDer: Uint8Array; dir: string; close(): Promise<void> }

async function openForeignCa(): Promise<ForeignCa> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-foreign-'));
  const port = await freePort();
  const config = parseConfig({ dataDir: dir, listen: { host: '127.0.0.1', port }, publicUrl: `http://127.0.0.1:${port}`, logLevel: 'silent', identity: { deviceNamespace: 'foreign.example.com' } });
  const deployment = await openDeployment({ config, env: {}, initialize: true });
  const app = await buildApp({ ca: deployment.ca, config, events: deployment.events });
  await app.listen({ host: '127.0.0.1', port });
  const rootDer = fromPemAll(readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8'))[0]!.der;
  return { deployment, app, rootDer, dir, close: async () => { await app.close(); await deployment.close(); rmSync(dir, { recursive: true, force: true }); } };
}

describe('devices of CAs we do not run', () => {
  let foreign: ForeignCa;
  const fixtures: GatewayFixture[] = [];
  before(async () => { foreign = await openForeignCa(); });
  after(async () => { await Promise.all(fixtures.map((x) => x.close())); await foreign.close(); });

  const gateway = async (revocation: Record<string, unknown>, anchored = true): Promise<GatewayFixture> => {
    const x = await openGatewayFixture({ revocation: { cacheSeconds: 0, timeoutMs: 1000, ...revocation } }, anchored ? { anchorsDer: [foreign.rootDer] } : {});
    fixtures.push(x);
    return x;
  };
  /** A device of the foreign CA, presented with its issuing CA (the gateway knows neither). */
  const foreignDevice = async (id: string): Promise<Device> => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csrDer = await buildCsr({ subject: parseNameString(`CN=${id}`) }, softwareSigner(privateKey));
    const r = await foreign.deployment.ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: 'device-operational', deviceId: id });
    const certPem = toPem('CERTIFICATE', r.certificateDer);
    return { id, serial: r.serial, keyPem: pemKey(privateKey), certPem, chainPem: certPem + toPem('CERTIFICATE', r.chainDer[0]!) };
  };
  const send = (x: GatewayFixture, d: Device) => post(x.httpsPort, `/telemetry/${d.id}`, x.tls(d), { body: 'x' });
  const code = (r: Awaited<ReturnType<typeof post>>) => [r.status, (r.json as { code?: string } | null)?.code];

  it('refuses a device whose CA is not an anchor: GATEWAY_CERT_INVALID, verifyPath\'s code in the audit', async () => {
    const x = await gateway({}, false);
    const d = await foreignDevice('alien-1');
    assert.deepEqual(code(await send(x, d)), [403, 'GATEWAY_CERT_INVALID']);
    await x.gateway.audit.flush();
    const entry = (await x.deployment.store.readAudit(0, 1000)).find((e) => e.action === 'gateway.connect');
    // The other deployment's CAs carry our development CAs' names: the most specific failure
    // is that our same-named issuing CA did not sign this leaf.
    assert.deepEqual([entry?.code, entry?.detail?.['pathCode']], ['GATEWAY_CERT_INVALID', 'SIGNATURE_INVALID']);
  });

  it('asks the CA\'s OCSP responder (AIA): good admits, revoked refuses', async () => {
    const x = await gateway({ foreign: 'ocsp-then-crl' });
    const d = await foreignDevice('foreign-ocsp');
    assert.deepEqual(code(await send(x, d)), [202, undefined]);
    await foreign.deployment.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'keyCompromise' });
    assert.deepEqual(code(await send(x, d)), [403, 'GATEWAY_CERT_REVOKED']);
  });

  it('reads the CA\'s CRL (CDP) when configured so: good admits, listed refuses', async () => {
    const x = await gateway({ foreign: 'crl' });
    const d = await foreignDevice('foreign-crl');
    await foreign.deployment.ca.crls.publish('dev-issuing', 'full');
    assert.deepEqual(code(await send(x, d)), [202, undefined]);
    await foreign.deployment.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'keyCompromise' });
    await foreign.deployment.ca.crls.publish('dev-issuing', 'full');
    assert.deepEqual(code(await send(x, d)), [403, 'GATEWAY_CERT_REVOKED']);
  });

  it('asks again about a live connection of a foreign device: closed once its OCSP says revoked', async () => {
    const x = await gateway({ foreign: 'ocsp-then-crl' });
    const d = await foreignDevice('foreign-live');
    const { client, connack } = await MqttClient.connect({ port: x.mqttPort, clientId: d.id, version: 5, tls: x.tls(d) });
    assert.equal(connack.code, 0);
    const disconnect = () => client.disconnect;
    await x.gateway.enforcement.recheckForeign();
    assert.equal(disconnect(), null, 'still good');
    await foreign.deployment.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'keyCompromise' });
    await x.gateway.enforcement.recheckForeign();
    await client.closed;
    assert.equal(disconnect()?.reasonString, 'GATEWAY_CERT_REVOKED');
  });

  it('without an answer: refuses when failClosed (the default), admits when not', async () => {
    const closed = await gateway({});
    const open = await gateway({ failClosed: false });
    const d = await foreignDevice('foreign-dark');
    await foreign.app.close();
    assert.deepEqual(code(await send(closed, d)), [403, 'GATEWAY_REVOCATION_UNKNOWN']);
    assert.deepEqual(code(await send(open, d)), [202, undefined]);
  });
});
