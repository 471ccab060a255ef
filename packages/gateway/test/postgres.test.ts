/**
 * Two gateway processes and one `fleetpki serve`, all on one PostgreSQL database (a fresh
 * schema, dropped afterwards): a revocation or an attribute change made through the REST
 * API reaches both gateways by LISTEN/NOTIFY well before their 2 s safety poll; the one
 * holding the device closes it, the other refuses it. Server: FLEETPKI_TEST_PG_URL
 * (default postgres://postgres@127.0.0.1:5432/test); without one the suite skips loudly,
 * under CI=true it fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { pemKey } from './support/fixture.js';
import { dropSchema, PG_URL, pgProblem } from './support/postgres.js';
import { MqttClient } from './support/mqtt-client.js';
import { freePort, portIn, startFleetpki, type Started } from './support/processes.js';
import { generateKeyPairSync } from 'node:crypto';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';

const URL_ = PG_URL;
const problem = await pgProblem(URL_);

if (problem && process.env['CI'] === 'true') {
  describe('gateways on PostgreSQL', () => { it('needs PostgreSQL in CI', () => assert.fail(`${URL_}: ${problem}`)); });
} else if (problem) {
  console.warn(`!! SKIPPING the gateway PostgreSQL test: ${URL_}: ${problem}`);
  describe('gateways on PostgreSQL', { skip: problem }, () => {});
} else {
  describe('gateways on PostgreSQL', () => {
    const schema = `fleetpki_gw_${process.pid.toString(36)}_${Date.now().toString(36)}`;
    let dir: string;
    let api: string;
    let token: string;
    let rootPem: string;
    const procs: Started[] = [];
    const mqttPorts: number[] = [];

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fleetpki-gw-pg-'));
      const port = await freePort();
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        logLevel: 'warn', listen: { host: '127.0.0.1', port }, publicUrl: `http://127.0.0.1:${port}`,
        database: { kind: 'postgres', url: URL_, schema },
        gateway: { tls: { stapling: false }, rules: [{ name: 'active', when: 'connect', expression: '!exists(status) || status == "active"' }] },
      }));
      procs.push(await startFleetpki(['serve', '--data', dir, '--listen-tls', 'off'], /FleetPKI ready at/, 1));
      api = `http://127.0.0.1:${port}/api/v1`;
      token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
      rootPem = readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8');
      for (const name of ['pg-a', 'pg-b']) {
        const g = await startFleetpki(['gateway', '--data', dir, '--mqtt', '127.0.0.1:0', '--name', name], /MQTT over TLS/, 1);
        procs.push(g);
        mqttPorts.push(portIn(g.lines, 'mqtts'));
      }
    });
    after(async () => {
      for (const p of procs.reverse()) await p.stop();
      await dropSchema(URL_, schema);
      rmSync(dir, { recursive: true, force: true });
    });

    const rest = async (method: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
      const r = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status}`);
      return r.json() as Promise<Record<string, unknown>>;
    };
    const device = async (id: string) => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const csr = toPem('CERTIFICATE REQUEST', await buildCsr({ subject: parseNameString(`CN=${id}`) }, softwareSigner(privateKey)));
      const r = await rest('POST', '/certificates', { csr, profile: 'device-operational', deviceId: id }) as { serial: string; certificate: string; chain: string[] };
      return { id, serial: r.serial, tls: { ca: rootPem, key: pemKey(privateKey), cert: r.certificate + r.chain[0] } };
    };
    const connect = (port: number, d: Awaited<ReturnType<typeof device>>) => MqttClient.connect({ port, clientId: d.id, version: 5, tls: d.tls });

    it('a revocation through the API closes the device on the gateway holding it and is refused by the other', async () => {
      const d = await device('pg-revoked');
      const { client, connack } = await connect(mqttPorts[0]!, d);
      assert.equal(connack.code, 0);
      const t = performance.now();
      await rest('POST', `/certificates/${d.serial}/revoke`, { reason: 'keyCompromise' });
      await client.closed;
      const ms = performance.now() - t;
      assert.equal(client.disconnect?.reasonString, 'GATEWAY_CERT_REVOKED');
      assert.ok(ms < 1500, `closed after ${ms.toFixed(0)} ms (notification, not the 2 s poll)`);
      assert.equal((await connect(mqttPorts[1]!, d)).connack.code, 0x87);
    });

    it('an attribute change through the API closes the device on both gateways, and each refuses it', async () => {
      const d = await device('pg-disabled');
      const { client } = await connect(mqttPorts[1]!, d);
      const other = await connect(mqttPorts[0]!, d);
      assert.equal(other.connack.code, 0, 'admitted on the other gateway too');
      await rest('PUT', `/devices/${d.id}/attributes`, { status: 'disabled' });
      await Promise.all([client.closed, other.client.closed]);
      assert.deepEqual([client.disconnect?.reasonString, other.client.disconnect?.reasonString], ['GATEWAY_RULE_FAILED', 'GATEWAY_RULE_FAILED']);
      assert.equal((await connect(mqttPorts[0]!, d)).connack.code, 0x87);
    });
  });
}
