/**
 * HTTPS ingestion with real mutual TLS on loopback: JSON and binary telemetry accepted (202)
 * and published on the broker under the route; each refusal with its status and
 * problem+json code; a revoked device's keep-alive connection closed; way-station
 * sequences refused or flagged, with an alert on the bus and in the audit log.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { openGatewayFixture, type Device, type GatewayFixture } from './support/fixture.js';
import { post } from './support/https-client.js';
import { MqttClient } from './support/mqtt-client.js';

const CONFIG = {
  https: { bodyBytes: 1024 },
  policies: [{ name: 'backend', appliesTo: 'role == "backend"', subscribe: ['telemetry/#', '$fleetpki/alerts/#'] }],
  sequences: [
    { name: 'shipment', appliesTo: 'kind == "shipment"', stations: ['factory', 'truck', 'customs', 'ship'], onViolation: 'refuse' },
    { name: 'pallet', appliesTo: 'kind == "pallet"', stations: ['factory', 'truck', 'customs', 'ship'], onViolation: 'flag' },
  ],
};

describe('HTTPS ingestion', () => {
  let f: GatewayFixture;
  let d: Device;
  let backend: MqttClient;
  before(async () => {
    f = await openGatewayFixture(CONFIG);
    d = await f.issue('http-1');
    const b = await f.issue('backend-1');
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, 'backend-1', { role: 'backend' });
    backend = (await MqttClient.connect({ port: f.mqttPort, clientId: 'backend-1', version: 5, tls: f.tls(b) })).client;
    assert.deepEqual(await backend.subscribe('telemetry/#'), [1]);
    assert.deepEqual(await backend.subscribe('$fleetpki/alerts/#'), [1]);
  });
  after(async () => { backend.end(); await f.close(); });

  const nextMessage = (topicPrefix: string) => new Promise<{ topic: string; payload: Buffer }>((resolve) => {
    backend.onMessage((topic, payload) => { if (topic.startsWith(topicPrefix)) resolve({ topic, payload }); });
  });

  it('accepts JSON and binary telemetry (202) and publishes it under the route', async () => {
    let got = nextMessage('telemetry/');
    const json = await post(f.httpsPort, '/telemetry/http-1', f.tls(d), { body: '{"t":21.5}', contentType: 'application/json' });
    assert.equal(json.status, 202);
    assert.deepEqual(await got, { topic: 'telemetry/http-1', payload: Buffer.from('{"t":21.5}') });
    got = nextMessage('telemetry/');
    const bytes = Buffer.from([0, 1, 2, 255]);
    assert.equal((await post(f.httpsPort, '/telemetry/http-1/raw?x=1', f.tls(d), { body: bytes, contentType: 'application/octet-stream' })).status, 202);
    assert.deepEqual(await got, { topic: 'telemetry/http-1/raw', payload: bytes });
  });

  it('answers each refusal with its status and problem+json code', async () => {
    const cases: [string, Parameters<typeof post>[3], string, number, string][] = [
      ['other device\'s route', { body: 'x' }, '/telemetry/http-2', 403, 'GATEWAY_NOT_AUTHORIZED'],
      ['dot segment', { body: 'x' }, '/telemetry/http-1/../http-2', 403, 'GATEWAY_NOT_AUTHORIZED'],
      ['GET', { method: 'GET' }, '/telemetry/http-1', 405, 'GATEWAY_METHOD_NOT_ALLOWED'],
      ['too large', { body: Buffer.alloc(1025), contentType: 'application/octet-stream' }, '/telemetry/http-1', 413, 'GATEWAY_BODY_TOO_LARGE'],
      ['bad JSON', { body: '{"t":', contentType: 'application/json' }, '/telemetry/http-1', 400, 'GATEWAY_BODY_INVALID'],
    ];
    for (const [what, o, path, status, code] of cases) {
      const r = await post(f.httpsPort, path, f.tls(d), o);
      assert.equal(r.status, status, what);
      assert.equal(r.headers['content-type'], 'application/problem+json');
      assert.deepEqual(r.json, { type: `https://fleetpki.dev/errors/${code}`, title: (r.json as { title: string }).title, status, code }, what);
    }
    const anonymous = await post(f.httpsPort, '/telemetry/http-1', f.tls(null), { body: 'x' });
    assert.deepEqual([anonymous.status, (anonymous.json as { code: string }).code, anonymous.headers['connection']], [403, 'GATEWAY_CERT_MISSING', 'close']);
  });

  it('closes a keep-alive connection when the device is revoked; the next connection gets 403 GATEWAY_CERT_REVOKED', async () => {
    const r = await f.issue('http-revoke');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal((await post(f.httpsPort, '/telemetry/http-revoke', f.tls(r), { body: 'x', agent })).status, 202);
      const socket = Object.values(agent.sockets).flat()[0] ?? Object.values(agent.freeSockets).flat()[0];
      assert.ok(socket, 'the connection is kept alive');
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await f.deployment.ca.revokeCertificate(SYSTEM_ACTOR, r.serial, { reason: 'keyCompromise' });
      await closed;
      const again = await post(f.httpsPort, '/telemetry/http-revoke', f.tls(r), { body: 'x' });
      assert.deepEqual([again.status, (again.json as { code: string }).code], [403, 'GATEWAY_CERT_REVOKED']);
    } finally {
      agent.destroy();
    }
  });

  it('follows way stations: in order accepted, out of order refused (409, expected stations), the alert on the bus and in the audit log', async () => {
    const s = await f.issue('ship-1');
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, 'ship-1', { kind: 'shipment' });
    const report = (station: string) => post(f.httpsPort, '/telemetry/ship-1', f.tls(s), { body: JSON.stringify({ station }), contentType: 'application/json' });
    assert.equal((await report('factory')).status, 202);
    assert.equal((await report('truck')).status, 202);
    const alert = nextMessage('$fleetpki/alerts/sequence/');
    const skipped = await report('ship');
    assert.equal(skipped.status, 409);
    assert.deepEqual([(skipped.json as { code: string }).code, (skipped.json as { expected: string[] }).expected], ['SEQUENCE_OUT_OF_ORDER', ['truck', 'customs']]);
    const a = JSON.parse((await alert).payload.toString()) as Record<string, unknown>;
    assert.deepEqual([a['kind'], a['rule'], a['station'], a['deviceId'], a['onViolation']], ['sequence', 'shipment', 'ship', 'ship-1', 'refuse']);
    assert.equal((await report('atlantis')).status, 422);
    assert.equal((await report('customs')).status, 202, 'a refused report moved nothing');
    await f.gateway.audit.flush();
    const audit = await f.deployment.store.readAudit(0, 10_000);
    const entry = audit.find((e) => e.action === 'gateway.sequence' && e.target === 'ship-1' && e.code === 'SEQUENCE_OUT_OF_ORDER');
    assert.equal(entry?.actor, 'gateway:gw-test');
  });

  it('flags an out-of-order report of a flag rule: accepted (202) with FleetPKI-Flagged', async () => {
    const p = await f.issue('pallet-1');
    await f.deployment.ca.setDeviceAttributes(SYSTEM_ACTOR, 'pallet-1', { kind: 'pallet' });
    const r = await post(f.httpsPort, '/telemetry/pallet-1', f.tls(p), { body: '{"station":"customs"}', contentType: 'application/json' });
    assert.deepEqual([r.status, r.headers['fleetpki-flagged']], [202, 'SEQUENCE_OUT_OF_ORDER']);
    assert.deepEqual(await f.deployment.store.getSequenceState('pallet-1', 'pallet'), null, 'a flagged report does not move the state');
  });
});
