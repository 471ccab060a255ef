/**
 * Enrollment is crash-safe: a real `fleetpki serve` process is killed with SIGKILL in the
 * middle of concurrent EST enrollments (one-time secrets and bootstrap certificates, a new
 * TLS connection each). Then, reading the store it left: every certificate issued for an
 * enrollment has its device record and links; a one-time secret is spent exactly when its
 * device got a certificate; a bootstrap certificate's use count equals its issued
 * certificates; every certificate returned to a device is there. After a restart, every
 * device whose enrollment did not commit enrolls with the same credentials.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSecret } from '@fleetpki/ca';
import { buildCsr, fromPem, parseCertsOnly, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { openStore } from '@fleetpki/store';

const SERVER = `import { serve } from '@fleetpki/server';
await serve({ data: process.argv[1], listen: '127.0.0.1:0' }, process.env);`;
const LABEL = 'crash';
const DEVICES = 120;

interface Running { readonly child: ChildProcess; readonly url: string; readonly tlsUrl: string }

function startServer(dir: string): Promise<Running> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER, dir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FLEETPKI_CA_PASSPHRASE: '', FLEETPKI_DATA: '' } });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${out}`)); }, 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const ready = /FleetPKI ready at (http:\/\/\S+)/.exec(out);
      const est = /EST (https:\/\/\S+)\/\.well-known\/est\//.exec(out);
      if (ready && est) { clearTimeout(timer); resolve({ child, url: ready[1]!, tlsUrl: est[1]! }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${out}`)); });
  });
}

interface Device {
  readonly id: string;
  readonly csrDer: Buffer;
  readonly secret?: string;
  readonly bootstrap?: { readonly certPem: string; readonly keyPem: string; readonly sha256: string };
}

/** One EST simpleenroll on a new TLS connection; the issued certificate's DER, or the status, or null when the connection died. */
function enroll(tlsUrl: string, ca: string, d: Device): Promise<Buffer | number | null> {
  const body = Buffer.from(d.csrDer.toString('base64'));
  const headers: Record<string, string | number> = { 'Content-Type': 'application/pkcs10', 'Content-Length': body.length };
  if (d.secret) headers['Authorization'] = `Basic ${Buffer.from(`${d.id}:${d.secret}`).toString('base64')}`;
  return new Promise((resolve) => {
    const req = request(`${tlsUrl}/.well-known/est/${LABEL}/simpleenroll`, {
      method: 'POST', headers, ca, agent: false, timeout: 15_000,
      ...(d.bootstrap ? { cert: d.bootstrap.certPem, key: d.bootstrap.keyPem } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) { resolve(res.statusCode ?? 0); return; }
        resolve(parseCertsOnly(Buffer.from(Buffer.concat(chunks).toString('latin1'), 'base64'))[0] as Buffer);
      });
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

async function api(url: string, token: string, path: string, json: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(json) });
  if (r.status !== 201 && r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

const csrFor = async (cn: string, key: KeyObject): Promise<Buffer> => buildCsr({ subject: parseNameString(`CN=${cn}`) }, softwareSigner(key));
const p256 = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

/** Half the devices enroll with a one-time secret, half with a bootstrap certificate from the issuing CA (the group's anchor). */
async function makeDevices(s: Running, token: string): Promise<Device[]> {
  const devices: Device[] = [];
  let anchor = '';
  for (let i = 0; i < DEVICES; i++) {
    const id = `${i % 2 === 0 ? 'sensor' : 'boot'}-${String(i).padStart(4, '0')}`;
    const csrDer = await csrFor(id, p256());
    if (i % 2 === 0) { devices.push({ id, csrDer }); continue; }
    const key = p256();
    const issued = await api(s.url, token, '/certificates', { csr: toPem('CERTIFICATE REQUEST', await csrFor(id, key)), profile: 'device-operational', deviceId: id });
    anchor = (issued['chain'] as string[])[0]!;
    const certPem = issued['certificate'] as string;
    const sha256 = createHash('sha256').update(fromPem(certPem, ['CERTIFICATE'])).digest('hex');
    devices.push({ id, csrDer, bootstrap: { certPem, keyPem: key.export({ type: 'pkcs8', format: 'pem' }) as string, sha256 } });
  }
  await api(s.url, token, '/enrollment-groups', { label: LABEL, profile: 'device-operational', anchors: [anchor], deviceIdPattern: '^(sensor|boot)-[0-9]{4}$' });
  return Promise.all(devices.map(async (d) => (d.bootstrap ? d : { ...d, secret: (await api(s.url, token, `/enrollment-groups/${LABEL}/secrets`, { deviceId: d.id }))['secret'] as string })));
}

/** What the store holds for each device after the kill, checked against the invariants; the ids that got no certificate. */
async function checkStore(dir: string, devices: readonly Device[], returned: ReadonlyMap<string, Buffer>): Promise<{ unenrolled: string[]; pending: number }> {
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'fleetpki.db') });
  const unenrolled: string[] = [];
  let pending = 0;
  try {
    for (const d of devices) {
      const certs = (await store.searchCertificates({ deviceId: d.id, limit: 10 })).items.filter((c) => c.attributes['enrollment.group'] === LABEL);
      const issued = certs.filter((c) => c.status === 'issued');
      pending += certs.length - issued.length;
      assert.ok(issued.length <= 1, `${d.id}: ${issued.length} certificates`);
      const device = await store.getDevice(d.id);
      const ops = device?.links.filter((l) => l.role === 'operational') ?? [];
      assert.deepEqual(ops.map((l) => [l.serial, l.sha256]), issued.map((c) => [c.serial, c.sha256]), `${d.id}: operational links`);
      const got = returned.get(d.id);
      if (got) assert.deepEqual(Buffer.from(issued[0]?.der ?? []), got, `${d.id}: the returned certificate is not in the store`);
      if (d.secret) assert.equal((await store.getEnrollmentSecret(hashSecret(d.secret)))?.usedAt !== null, issued.length === 1, `${d.id}: secret spent iff issued`);
      if (d.bootstrap) {
        assert.equal(await store.bootstrapUses(d.bootstrap.sha256), issued.length, `${d.id}: bootstrap uses`);
        assert.deepEqual(device?.links.filter((l) => l.role === 'bootstrap').map((l) => l.sha256) ?? [], issued.map(() => d.bootstrap!.sha256));
      }
      if (issued.length === 0) unenrolled.push(d.id);
    }
  } finally {
    await store.close();
  }
  return { unenrolled, pending };
}

test('SIGKILL during EST enrollments: every issued certificate has its device links, secrets and bootstrap uses are spent exactly with issuance, the rest enroll after a restart', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-enroll-crash-'));
  try {
    let s = await startServer(dir);
    const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const ca = readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8');
    const devices = await makeDevices(s, token);
    const returned = new Map<string, Buffer>();
    let next = 0;
    let killed = false;
    const failures: string[] = [];
    const worker = async (): Promise<void> => {
      while (!killed && next < devices.length) {
        const d = devices[next++]!;
        const r = await enroll(s.tlsUrl, ca, d);
        if (Buffer.isBuffer(r)) returned.set(d.id, r);
        else if (!killed) failures.push(`${d.id}: ${r} before the kill`);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    while (returned.size < DEVICES / 4 && next < devices.length && failures.length === 0) await new Promise((r) => setTimeout(r, 2));
    s.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    assert.deepEqual(failures, []);

    const { unenrolled, pending } = await checkStore(dir, devices, returned);
    t.diagnostic(`returned ${returned.size}, unenrolled ${unenrolled.length}, pending intents (in flight at the kill) ${pending}`);
    assert.ok(unenrolled.length > 0 && unenrolled.length < DEVICES, `${unenrolled.length} of ${DEVICES} devices got no certificate (pending intents: ${pending})`);

    s = await startServer(dir);
    try {
      for (const id of unenrolled) {
        const r = await enroll(s.tlsUrl, ca, devices.find((d) => d.id === id)!);
        assert.ok(Buffer.isBuffer(r), `${id} cannot enroll after the restart: ${String(r)}`);
      }
      // A device that did get its certificate cannot enroll again with the same credentials.
      const done = devices.filter((d) => !unenrolled.includes(d.id));
      assert.equal(await enroll(s.tlsUrl, ca, done.find((d) => d.secret)!), 401);
      assert.equal(await enroll(s.tlsUrl, ca, done.find((d) => d.bootstrap)!), 403);
    } finally {
      s.child.kill('SIGKILL');
    }
    const after = await checkStore(dir, devices, new Map());
    assert.deepEqual(after.unenrolled, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
