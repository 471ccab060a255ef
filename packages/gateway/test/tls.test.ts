/**
 * The TLS side of admission: a leaf sent alone, TLS 1.2 resumption from the server's
 * session cache (re-admitted on every resumption), what session tickets cost on the wire,
 * clone detection from two source addresses (alert, refuse, quarantine), and the audit and
 * presence records a connection leaves.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import type { GatewayAlert } from '../src/index.js';
import { openGatewayFixture, type GatewayFixture } from './support/fixture.js';
import { post } from './support/https-client.js';
import { MqttClient } from './support/mqtt-client.js';

/** One TLS connection: bytes both ways (tickets included: we wait for them), the session, and whether it was resumed. */
function handshake(port: number, tls: ConnectionOptions): Promise<{ bytes: number; session: Buffer | null; reused: boolean; ticketBytes: number }> {
  return new Promise((resolve, reject) => {
    const raw = netConnect(port, '127.0.0.1');
    let session: Buffer | null = null;
    let reused = false;
    const s: TLSSocket = connect({ socket: raw, ...tls });
    s.on('session', (b: Buffer) => { session = b; });
    s.once('secureConnect', () => { reused = s.isSessionReused(); setTimeout(() => s.end(), 150); });
    s.on('data', () => undefined);
    s.once('error', reject);
    s.once('close', () => resolve({ bytes: raw.bytesRead + raw.bytesWritten, session, reused, ticketBytes: s.getTLSTicket()?.length ?? 0 }));
  });
}

describe('TLS: chains, resumption, bytes', () => {
  let f: GatewayFixture;
  let tickets: GatewayFixture;
  before(async () => {
    f = await openGatewayFixture();
    tickets = await openGatewayFixture({ tls: { sessionTickets: true, stapling: false } });
  });
  after(async () => { await f.close(); await tickets.close(); });

  it('admits a device that sends its leaf alone (the gateway knows our intermediates)', async () => {
    const d = await f.issue('leaf-only');
    assert.equal((await post(f.httpsPort, '/telemetry/leaf-only', f.tls(d, { cert: d.certPem }), { body: 'x' })).status, 202);
  });

  it('resumes TLS 1.2 sessions from its own cache without a ticket, and admits each resumption afresh', async () => {
    const d = await f.issue('resume-12');
    const opts = f.tls(d, { maxVersion: 'TLSv1.2' });
    const first = await handshake(f.httpsPort, opts);
    assert.equal(first.ticketBytes, 0, 'no session ticket (it would carry the client certificate)');
    const second = await handshake(f.httpsPort, { ...opts, session: first.session! });
    assert.equal(second.reused, true);
    assert.ok(second.bytes < first.bytes / 2, `resumed ${second.bytes} B vs full ${first.bytes} B`);
    assert.equal((await post(f.httpsPort, '/telemetry/resume-12', { ...opts, session: first.session! }, { body: 'x' })).status, 202);
    await f.deployment.ca.revokeCertificate(SYSTEM_ACTOR, d.serial, { reason: 'keyCompromise' });
    const refused = await post(f.httpsPort, '/telemetry/resume-12', { ...opts, session: first.session! }, { body: 'x' });
    assert.deepEqual([refused.status, (refused.json as { code: string }).code], [403, 'GATEWAY_CERT_REVOKED']);
  });

  it('keeps the client certificate out of session tickets unless configured (Node\'s tickets add over 1,000 bytes to TLS 1.3)', async () => {
    const d = await f.issue('bytes-13');
    const ours = await handshake(f.httpsPort, f.tls(d, { minVersion: 'TLSv1.3' }));
    const theirs = await handshake(tickets.httpsPort, tickets.tls(await tickets.issue('bytes-13'), { minVersion: 'TLSv1.3' }));
    assert.ok(theirs.bytes - ours.bytes > 1000, `stateless tickets ${theirs.bytes} B, ours ${ours.bytes} B`);
  });
});

describe('clone detection', () => {
  const fixtures: GatewayFixture[] = [];
  after(() => Promise.all(fixtures.map((x) => x.close())));
  const open = async (action: string): Promise<GatewayFixture> => {
    const x = await openGatewayFixture({ clone: { action } });
    fixtures.push(x);
    return x;
  };
  const from = (x: GatewayFixture, d: Parameters<GatewayFixture['tls']>[0], localAddress: string) =>
    MqttClient.connect({ port: x.mqttPort, clientId: d!.id, version: 5, tls: x.tls(d, { localAddress } as ConnectionOptions) });

  it('alert: both connections stay (HTTPS keep-alive from one address, MQTT from another), the alert names both sources and is audited', async () => {
    const x = await open('alert');
    const d = await x.issue('clone-a');
    const alerts: GatewayAlert[] = [];
    x.gateway.events.on('alert', (a: GatewayAlert) => alerts.push(a));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal((await post(x.httpsPort, '/telemetry/clone-a', x.tls(d, { localAddress: '127.0.0.1' } as ConnectionOptions), { body: 'x', agent })).status, 202);
      const two = await from(x, d, '127.0.0.2');
      assert.equal(two.connack.code, 0);
      assert.deepEqual(alerts.map((a) => [a.kind, a.detail['deviceId'], a.detail['sources']]), [['clone', 'clone-a', ['127.0.0.2', '127.0.0.1']]]);
      assert.equal(x.gateway.live.size, 2);
      await x.gateway.audit.flush();
      const entry = (await x.deployment.store.readAudit(0, 1000)).find((e) => e.action === 'gateway.clone');
      assert.deepEqual([entry?.code, entry?.target, entry?.actor], ['GATEWAY_CLONE', 'clone-a', 'gateway:gw-test']);
      two.client.end();
    } finally {
      agent.destroy();
    }
  });

  it('refuse: the second connection is refused with GATEWAY_CLONE, the first stays', async () => {
    const x = await open('refuse');
    const d = await x.issue('clone-r');
    const https = await post(x.httpsPort, '/telemetry/clone-r', x.tls(d, { localAddress: '127.0.0.1', agent: false } as ConnectionOptions), { body: 'x' });
    assert.equal(https.status, 202);
    const one = await from(x, d, '127.0.0.1');
    assert.equal(one.connack.code, 0);
    const two = await from(x, d, '127.0.0.3');
    assert.equal(two.connack.code, 0x87);
    assert.equal(one.client.disconnect, null);
    one.client.end();
  });

  it('quarantine: both connections closed, the attribute set through the CA, reconnects refused', async () => {
    const x = await open('quarantine');
    const d = await x.issue('clone-q');
    const one = await from(x, d, '127.0.0.1');
    assert.equal(one.connack.code, 0);
    const two = await from(x, d, '127.0.0.4');
    assert.equal(two.connack.code, 0x87);
    await one.client.closed;
    assert.equal(one.client.disconnect?.reasonString, 'GATEWAY_CLONE');
    for (let i = 0; i < 250 && !(await x.deployment.store.getDeviceAttributes('clone-q')); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual((await x.deployment.store.getDeviceAttributes('clone-q'))?.attributes, { status: 'quarantined' });
    assert.equal((await from(x, d, '127.0.0.1')).connack.code, 0x87);
  });
});

describe('records', () => {
  let f: GatewayFixture;
  before(async () => { f = await openGatewayFixture(); });
  after(() => f.close());

  it('audits a refused connection as gateway:<name> with its code, and records presence of an admitted one', async () => {
    const d = await f.issue('records-1');
    assert.equal((await post(f.httpsPort, '/telemetry/records-1', f.tls(d), { body: 'x' })).status, 202);
    await post(f.httpsPort, '/telemetry/records-1', f.tls(null), { body: 'x' });
    await f.gateway.audit.flush();
    const entry = (await f.deployment.store.readAudit(0, 1000)).find((e) => e.action === 'gateway.connect');
    assert.deepEqual([entry?.actor, entry?.outcome, entry?.code], ['gateway:gw-test', 'refused', 'GATEWAY_CERT_MISSING']);
    let presence = null;
    for (let i = 0; i < 250 && !presence; i++) { await new Promise((r) => setTimeout(r, 20)); presence = await f.deployment.store.getPresence('records-1'); }
    assert.deepEqual([presence?.lastSerial, presence?.lastSource, presence?.lastGateway], [d.serial, '127.0.0.1', 'gw-test']);
  });
});
