/**
 * `fleetpki gateway --serve HOST:PORT`: the server and the gateway in one process, on one
 * deployment and one event bus. A revocation through the REST API reaches the gateway on
 * the bus, without the outbox poll (set to a minute here, so only the bus can be in time).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { pemKey } from './support/fixture.js';
import { MqttClient } from './support/mqtt-client.js';
import { freePort, portIn, startFleetpki, type Started } from './support/processes.js';

describe('fleetpki gateway --serve', () => {
  let dir: string;
  let proc: Started;
  let api: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetpki-gw-serve-'));
    const port = await freePort();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ logLevel: 'warn', listenTls: null, gateway: { statusPollMs: 60_000, tls: { stapling: false } } }));
    proc = await startFleetpki(['gateway', '--data', dir, '--serve', `127.0.0.1:${port}`, '--mqtt', '127.0.0.1:0', '--name', 'together'], /MQTT over TLS|FleetPKI ready/, 2);
    api = `http://127.0.0.1:${port}/api/v1`;
  });
  after(async () => { await proc.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('closes a device revoked through its own REST API at once', async () => {
    const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = toPem('CERTIFICATE REQUEST', await buildCsr({ subject: parseNameString('CN=together-1') }, softwareSigner(privateKey)));
    const issued = await (await fetch(`${api}/certificates`, { method: 'POST', headers, body: JSON.stringify({ csr, profile: 'device-operational', deviceId: 'together-1' }) })).json() as { serial: string; certificate: string; chain: string[] };
    const tls = { ca: readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8'), key: pemKey(privateKey), cert: issued.certificate + issued.chain[0] };
    const { client, connack } = await MqttClient.connect({ port: portIn(proc.lines, 'mqtts'), clientId: 'together-1', version: 5, tls });
    assert.equal(connack.code, 0);
    assert.equal((await fetch(`${api}/certificates/${issued.serial}/revoke`, { method: 'POST', headers, body: '{"reason":"keyCompromise"}' })).status, 200);
    const closed = await Promise.race([client.closed.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    assert.equal(closed, true, 'closed by the bus, long before the one-minute poll');
    assert.equal(client.disconnect?.reasonString, 'GATEWAY_CERT_REVOKED');
  });
});
