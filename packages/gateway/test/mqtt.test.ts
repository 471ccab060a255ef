/**
 * The MQTT broker with real TLS on loopback: exact CONNACK return codes (3.1.1) and reason
 * codes (5), PUBACK / SUBACK refusals, and enforcement closing live connections when a
 * certificate is revoked, put on hold or released, or an attribute makes a rule fail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { openDeployment } from '@fleetpki/server';
import { openGatewayFixture, type Device, type GatewayFixture } from './support/fixture.js';
import { MqttClient } from './support/mqtt-client.js';

const RULES = [{ name: 'active', when: 'connect', expression: '!exists(status) || status == "active"' }];

describe('MQTT broker', () => {
  let f: GatewayFixture;
  before(async () => { f = await openGatewayFixture({ rules: RULES }); });
  after(() => f.close());

  const connect = (d: Device | null, version: 4 | 5, clientId = d?.id ?? 'nobody') => MqttClient.connect({ port: f.mqttPort, clientId, version, tls: f.tls(d) });

  it('admits a device on MQTT 3.1.1 and 5: CONNACK 0, its topics published and subscribed', async () => {
    const d = await f.issue('mqtt-ok');
    for (const version of [4, 5] as const) {
      const { client, connack } = await connect(d, version);
      assert.equal(connack.code, 0);
      assert.deepEqual(await client.subscribe('devices/mqtt-ok/#'), [1]);
      const got = new Promise<Buffer>((resolve) => client.onMessage((_t, p) => resolve(p)));
      assert.equal(await client.publish('devices/mqtt-ok/temp', `v${version}`), 0);
      assert.equal((await got).toString(), `v${version}`);
      client.end();
      await client.closed;
    }
  });

  it('refuses at CONNACK with the code of the refusal (3.1.1 return code, 5 reason code)', async () => {
    const revoked = await f.issue('mqtt-revoked');
    await f.deployment.ca.revokeCertificate(SYSTEM_ACTOR, revoked.serial, { reason: 'keyCompromise' });
    const disabled = await f.issue('mqtt-disabled');
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, 'mqtt-disabled', { status: 'disabled' });
    const ok = await f.issue('mqtt-id');
    const cases: [string, Device | null, string | undefined, number, number][] = [
      ['revoked', revoked, undefined, 5, 0x87],
      ['rule failed', disabled, undefined, 5, 0x87],
      ['client id is not the device id', ok, 'someone-else', 2, 0x85],
      ['no certificate', null, undefined, 5, 0x87],
    ];
    for (const [what, d, id, v4, v5] of cases) {
      for (const [version, code] of [[4, v4], [5, v5]] as const) {
        const { client, connack } = await connect(d, version, id);
        assert.equal(connack.code, code, `${what}, MQTT ${version}`);
        await client.closed;
      }
    }
    const refusals = await f.gateway.metrics.refusals.get();
    const byCode = Object.fromEntries(refusals.values.map((v) => [v.labels['code'], v.value]));
    assert.deepEqual([byCode['GATEWAY_CERT_REVOKED'], byCode['GATEWAY_RULE_FAILED'], byCode['GATEWAY_CLIENT_ID_MISMATCH'], byCode['GATEWAY_CERT_MISSING']], [2, 2, 2, 2]);
  });

  it('refuses topics outside the grants: PUBACK 0x87 and SUBACK 0x87 on 5, SUBACK 0x80 and a close on 3.1.1', async () => {
    const d = await f.issue('mqtt-authz');
    const v5 = (await connect(d, 5)).client;
    assert.equal(await v5.publish('devices/other/temp', 'x'), 0x87);
    assert.deepEqual(await v5.subscribe('devices/#'), [0x87]);
    assert.equal(await v5.publish('devices/mqtt-authz/temp', 'x'), 0, 'the connection stays usable');
    v5.end();
    await v5.closed;
    const v4 = (await connect(d, 4)).client;
    assert.deepEqual(await v4.subscribe('devices/other/#'), [0x80]);
    await assert.rejects(v4.publish('devices/other/temp', 'x'), /closed before puback/);
    await v4.closed;
  });

  it('closes a live connection when its certificate is revoked, and refuses the reconnect', async () => {
    const d = await f.issue('mqtt-live-revoke');
    const { client } = await connect(d, 5);
    await f.deployment.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'keyCompromise' });
    await client.closed;
    assert.deepEqual(client.disconnect, { reasonCode: 0x98, reasonString: 'GATEWAY_CERT_REVOKED' });
    assert.equal((await connect(d, 5)).connack.code, 0x87);
  });

  it('closes a live connection when an attribute makes a connect rule fail; changing it back admits again', async () => {
    const d = await f.issue('mqtt-live-attr');
    const { client } = await connect(d, 4);
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, d.id, { status: 'stolen' });
    await client.closed;
    assert.equal((await connect(d, 4)).connack.code, 5);
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, d.id, { status: 'active' });
    const again = await connect(d, 4);
    assert.equal(again.connack.code, 0);
    again.client.end();
  });

  it('refuses a certificate on hold and admits it again when the hold is released', async () => {
    const d = await f.issue('mqtt-hold');
    const { client } = await connect(d, 5);
    await f.deployment.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'certificateHold' });
    await client.closed;
    assert.equal((await connect(d, 5)).connack.code, 0x87);
    await f.deployment.ca.releaseHold(SYSTEM_ACTOR, d.serial);
    const again = await connect(d, 5);
    assert.equal(again.connack.code, 0);
    again.client.end();
  });

  it('learns a revocation committed by another process from the outbox (no event on this bus)', async () => {
    const d = await f.issue('mqtt-other-process');
    const { client } = await connect(d, 5);
    // A second deployment on the same SQLite file: its events never reach this process's bus.
    const other = await openDeployment({ config: f.deployment.config, env: {}, initialize: false });
    try {
      await other.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'superseded' });
      await client.closed;
      assert.equal(client.disconnect?.reasonString, 'GATEWAY_CERT_REVOKED');
    } finally {
      await other.close();
    }
  });
});
