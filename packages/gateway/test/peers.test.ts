/**
 * The gateway against clients nobody here wrote, all real processes: `fleetpki serve` and
 * `fleetpki gateway` from the CLI's binary over one SQLite data folder; mosquitto_pub and
 * mosquitto_sub (MQTT 3.1.1 and 5) publishing and subscribing with device certificates,
 * refused once the device is revoked or disabled by an attribute (through the REST API);
 * an mbedTLS 2.28 client (TLS 1.2, compiled here from fixtures/mbedtls-post.c) posting
 * telemetry, and refused with a certificate from a CA the gateway does not trust;
 * `openssl s_client -status` reading the gateway's stapled OCSP response.
 * Keys, CSRs and the foreign CA come from openssl. Without a tool the suite skips loudly;
 * under CI=true it fails.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { freePort, missing, portIn, run, startFleetpki, type Started } from './support/processes.js';

const TOOLS = ['mosquitto_pub', 'mosquitto_sub', 'openssl', 'gcc', '/usr/include/mbedtls/ssl.h'];
const lacking = await missing(TOOLS);
const SOURCE = fileURLToPath(new URL('../../test/fixtures/mbedtls-post.c', import.meta.url));

if (lacking.length > 0 && process.env['CI'] === 'true') {
  describe('gateway peers', () => { it('needs its peers in CI', () => assert.fail(`missing: ${lacking.join(', ')} (.ci/run installs them)`)); });
} else if (lacking.length > 0) {
  console.warn(`!! SKIPPING the gateway peer tests: missing ${lacking.join(', ')} (Debian: mosquitto-clients, openssl, gcc, libmbedtls-dev)`);
  describe('gateway peers', { skip: `missing ${lacking.join(', ')}` }, () => {});
} else {
  describe('gateway peers', () => {
    let dir: string;
    let api: string;
    let token: string;
    let serve: Started;
    let gateway: Started;
    let https: number;
    let mqtt: number;
    let mbedtls: string;
    const root = () => join(dir, 'dev-root', 'root.crt.pem');

    /** A key and certificate for a device, from openssl and the REST API; files DIR/<id>.key and DIR/<id>.pem. */
    async function device(id: string): Promise<{ serial: string; key: string; cert: string }> {
      const key = join(dir, `${id}.key`);
      const csr = join(dir, `${id}.csr`);
      assert.equal((await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${id}`, '-keyout', key, '-out', csr])).code, 0);
      const r = await fetch(`${api}/certificates`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ csr: readFileSync(csr, 'utf8'), profile: 'device-operational', deviceId: id }),
      });
      assert.equal(r.status, 201);
      const body = await r.json() as { serial: string; certificate: string; chain: string[] };
      const cert = join(dir, `${id}.pem`);
      writeFileSync(cert, body.certificate + body.chain[0]);
      return { serial: body.serial, key, cert };
    }

    const rest = (method: string, path: string, body: unknown) => fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const mqttArgs = (id: string, version: string) => ['-V', version, '-h', 'localhost', '-p', String(mqtt), '--cafile', root(), '--cert', join(dir, `${id}.pem`), '--key', join(dir, `${id}.key`), '-i', id];
    const pub = (id: string, version: string) => run('mosquitto_pub', [...mqttArgs(id, version), '-t', `devices/${id}/temp`, '-m', `{"t":1,"v":"${version}"}`, '-q', '1']);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fleetpki-gw-peers-'));
      const port = await freePort();
      writeFileSync(join(dir, 'config.json'), JSON.stringify({
        logLevel: 'warn', listen: { host: '127.0.0.1', port }, publicUrl: `http://127.0.0.1:${port}`,
        gateway: {
          statusPollMs: 20,
          rules: [{ name: 'active', when: 'connect', expression: '!exists(status) || status == "active"' }],
          policies: [{ name: 'backend', appliesTo: 'role == "backend"', subscribe: ['devices/#'] }],
        },
      }));
      serve = await startFleetpki(['serve', '--data', dir, '--listen-tls', 'off'], /FleetPKI ready at/, 1);
      api = `http://127.0.0.1:${port}/api/v1`;
      token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
      mbedtls = join(dir, 'mbedtls-post');
      const cc = await run('gcc', ['-O1', '-o', mbedtls, SOURCE, '-lmbedtls', '-lmbedx509', '-lmbedcrypto'], 60_000);
      assert.equal(cc.code, 0, cc.stderr);
      for (const id of ['peer-1', 'peer-revoked', 'peer-disabled', 'backend']) await device(id);
      assert.equal((await rest('PUT', '/devices/backend/attributes', { role: 'backend' })).status, 200);
      gateway = await startFleetpki(['gateway', '--data', dir, '--https', '127.0.0.1:0', '--mqtt', '127.0.0.1:0', '--name', 'peers'], /^gateway peers: /, 2);
      https = portIn(gateway.lines, 'https');
      mqtt = portIn(gateway.lines, 'mqtts');
    });
    after(async () => {
      await gateway?.stop();
      await serve?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints one line per listener when ready', () => {
      assert.equal(gateway.lines.length, 2);
      assert.match(gateway.lines[0]!, /^gateway peers: HTTPS ingestion https:\/\/127\.0\.0\.1:\d+\/telemetry\/<device id> \(TLS server certificate issued: /);
      assert.match(gateway.lines[1]!, /^gateway peers: MQTT over TLS mqtts:\/\/127\.0\.0\.1:\d+ \(MQTT 3\.1\.1 and 5\)$/);
    });

    it('mosquitto_pub (MQTT 3.1.1 and 5) publishes with a device certificate and mosquitto_sub receives it', async () => {
      const sub = run('mosquitto_sub', [...mqttArgs('backend', 'mqttv5'), '-t', 'devices/#', '-C', '2', '-W', '15']);
      await new Promise((r) => setTimeout(r, 700));
      for (const v of ['mqttv311', 'mqttv5']) assert.equal((await pub('peer-1', v)).code, 0, v);
      const got = await sub;
      assert.equal(got.code, 0, got.stderr);
      assert.deepEqual(got.stdout.trim().split('\n'), ['{"t":1,"v":"mqttv311"}', '{"t":1,"v":"mqttv5"}']);
    });

    it('refuses a revoked device and a device disabled by an attribute (mosquitto: "not authorised")', async () => {
      assert.equal((await rest('POST', '/certificates/' + (await serialOf('peer-revoked')) + '/revoke', { reason: 'keyCompromise' })).status, 200);
      assert.equal((await rest('PUT', '/devices/peer-disabled/attributes', { status: 'disabled' })).status, 200);
      await new Promise((r) => setTimeout(r, 300));
      for (const id of ['peer-revoked', 'peer-disabled']) {
        const v311 = await pub(id, 'mqttv311');
        assert.notEqual(v311.code, 0);
        assert.match(v311.stderr, /Connection Refused: not authori[sz]ed/i, `${id}: ${v311.stderr}`);
        const v5 = await pub(id, 'mqttv5');
        assert.notEqual(v5.code, 0);
        assert.match(v5.stderr, /not authori[sz]ed/i, `${id}: ${v5.stderr}`);
      }
    });

    it('an mbedTLS client (TLS 1.2) posts telemetry: 202; with a certificate of a CA we do not trust: 403 GATEWAY_CERT_INVALID', async () => {
      const ok = await run(mbedtls, ['127.0.0.1', String(https), root(), join(dir, 'peer-1.pem'), join(dir, 'peer-1.key'), '/telemetry/peer-1', '{"t":21.5}']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stderr, /^TLSv1\.2 /);
      assert.match(ok.stdout, /^HTTP\/1\.1 202 /);
      await foreignDevice();
      const refused = await run(mbedtls, ['127.0.0.1', String(https), root(), join(dir, 'alien.pem'), join(dir, 'alien.key'), '/telemetry/alien', '{}']);
      assert.equal(refused.code, 0, refused.stderr);
      assert.match(refused.stdout, /^HTTP\/1\.1 403 /);
      assert.match(refused.stdout, /"code":"GATEWAY_CERT_INVALID"/);
    });

    it('staples our OCSP response: openssl s_client -status sees "good"', async () => {
      const r = await run('sh', ['-c', `echo | openssl s_client -connect 127.0.0.1:${https} -servername localhost -status -CAfile ${root()}`]);
      assert.match(r.stdout, /OCSP Response Status: successful \(0x0\)/);
      assert.match(r.stdout, /Cert Status: good/);
      assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
    });

    async function serialOf(id: string): Promise<string> {
      const r = await fetch(`${api}/certificates?deviceId=${id}&limit=1`, { headers: { authorization: `Bearer ${token}` } });
      return ((await r.json()) as { items: { serial: string }[] }).items[0]!.serial;
    }

    /** alien.pem / alien.key: a device certificate from a CA made with openssl, unknown to the gateway. */
    async function foreignDevice(): Promise<void> {
      const o = (args: string[]) => run('openssl', args);
      const p = (f: string) => join(dir, f);
      await o(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Alien CA', '-keyout', p('alien-ca.key'), '-out', p('alien-ca.pem'), '-days', '2',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
      await o(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=alien', '-keyout', p('alien.key'), '-out', p('alien.csr')]);
      writeFileSync(p('alien.ext'), 'subjectAltName=URI:device://devices.fleetpki.local/alien\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n');
      const x = await o(['x509', '-req', '-in', p('alien.csr'), '-CA', p('alien-ca.pem'), '-CAkey', p('alien-ca.key'), '-CAcreateserial', '-days', '2', '-extfile', p('alien.ext'), '-out', p('alien.pem')]);
      assert.equal(x.code, 0, x.stderr);
    }
  });
}
