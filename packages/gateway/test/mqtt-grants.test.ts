/**
 * What a device receives and leaves behind follows its grants of now: a subscription made
 * under an attribute-based grant stops delivering when the attribute changes; a will is
 * published only on a granted topic, and never for a connection enforcement closed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { openGatewayFixture, type Device, type GatewayFixture } from './support/fixture.js';
import { MqttClient } from './support/mqtt-client.js';

const CONFIG = {
  rules: [{ name: 'active', when: 'connect', expression: '!exists(status) || status == "active"' }],
  policies: [
    { name: 'fleet', appliesTo: 'exists(fleet)', subscribe: ['fleets/${attributes.fleet}/#'] },
    { name: 'backend', appliesTo: 'role == "backend"', publish: ['fleets/#'], subscribe: ['devices/#'] },
  ],
};

const settle = () => new Promise((r) => setTimeout(r, 300));
/** Waits (up to 10 s) until `ready()` holds. */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('MQTT grants of now', () => {
  let f: GatewayFixture;
  let backend: MqttClient;
  before(async () => {
    f = await openGatewayFixture(CONFIG);
    const b = await f.issue('backend-g');
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, 'backend-g', { role: 'backend' });
    backend = (await MqttClient.connect({ port: f.mqttPort, clientId: 'backend-g', version: 5, tls: f.tls(b) })).client;
    assert.deepEqual(await backend.subscribe('devices/#'), [1]);
  });
  after(async () => { backend.end(); await f.close(); });

  const connect = (d: Device, will?: { topic: string; payload: string }) => MqttClient.connect({ port: f.mqttPort, clientId: d.id, version: 5, tls: f.tls(d), ...(will ? { will } : {}) });

  it('stops delivering a subscription whose grant an attribute change took away', async () => {
    const d = await f.issue('fleet-dev');
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, d.id, { fleet: 'north' });
    const { client } = await connect(d);
    assert.deepEqual(await client.subscribe('fleets/north/#'), [1]);
    assert.equal(await backend.publish('fleets/north/cmd', 'one'), 0);
    await until(() => client.received.length === 1);
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, d.id, { fleet: 'south' });
    assert.equal(await backend.publish('fleets/north/cmd', 'two'), 0);
    await settle();
    assert.deepEqual(client.received.map((m) => m.payload.toString()), ['one']);
    assert.equal(client.disconnect, null, 'no rule failed: the connection stays');
    client.end();
  });

  it('publishes a will on a granted topic, not on another device\'s, not after a revocation', async () => {
    const got: string[] = [];
    backend.onMessage((topic, payload) => got.push(`${topic} ${payload.toString()}`));
    const own = await f.issue('will-own');
    const other = await f.issue('will-other');
    const revoked = await f.issue('will-revoked');
    const a = await connect(own, { topic: 'devices/will-own/status', payload: 'gone' });
    const b = await connect(other, { topic: 'devices/will-own/status', payload: 'forged' });
    const c = await connect(revoked, { topic: 'devices/will-revoked/status', payload: 'revoked' });
    assert.deepEqual([a.connack.code, b.connack.code, c.connack.code], [0, 0, 0]);
    a.client.socket.destroy();
    b.client.socket.destroy();
    await f.deployment.ca.revokeCertificate(SYSTEM_ACTOR, revoked.serial, { reason: 'keyCompromise' });
    await c.client.closed;
    await until(() => got.length > 0);
    await settle();
    assert.deepEqual(got, ['devices/will-own/status gone']);
  });
});
