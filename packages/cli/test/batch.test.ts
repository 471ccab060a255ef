/**
 * `fleetpki batch ...` as a factory runs it, against peers nobody here wrote: a batch killed
 * with SIGKILL mid-run and run again ends with exactly its devices, each once; the manifest
 * verifies with `openssl cms -verify` and `fleetpki batch verify`, the certificates with
 * `openssl verify`; station keys open with `openssl pkcs8` and `openssl cms -decrypt`; an
 * offline station's batch imports into the central store, twice without harm.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner } from '@fleetpki/keys';
import { openSqliteDriver } from '@fleetpki/store';
import { buildHierarchy, tempDir, type Hierarchy } from './support/hierarchy.js';
import { BIN, baseEnv, cli, cliOk, toolOk, type Ran } from './support/run.js';

/** JSON Lines of `n` devices `<prefix>-<i>` with P-256 CSRs made here (subject serialNumber, as IDevIDs need). */
async function requests(path: string, prefix: string, n: number, extra: Record<string, string> = { line: '7' }): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${String(i).padStart(5, '0')}`;
    const csr = await buildCsr({ subject: parseNameString(`serialNumber=${id}`) }, softwareSigner(generatePrivateKey('ecdsa-p256')));
    lines.push(JSON.stringify({ deviceId: id, csr: toPem('CERTIFICATE REQUEST', csr), ...extra }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const jsonl = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

function assertExit(r: Ran, code: number, pattern?: RegExp): void {
  assert.equal(r.code, code, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  if (pattern) assert.match(r.stderr, pattern);
}

async function storeCounts(data: string, batchId: string) {
  const db = openSqliteDriver({ path: join(data, 'fleetpki.db'), backgroundCheckpoint: false });
  try {
    const n = async (sql: string, p: string[] = []) => Number(Object.values((await db.all(sql, p))[0]!)[0]);
    return {
      devices: await n('SELECT COUNT(*) FROM batch_devices WHERE batch_id = ?', [batchId]),
      issued: await n("SELECT COUNT(*) FROM certificates WHERE status = 'issued' AND serial IN (SELECT serial FROM batch_devices WHERE batch_id = ?)", [batchId]),
      serials: await n('SELECT COUNT(DISTINCT serial) FROM batch_devices WHERE batch_id = ?', [batchId]),
      pending: await n("SELECT COUNT(*) FROM certificates WHERE status = 'pending'"),
    };
  } finally {
    await db.close();
  }
}

/** `batch sign` killed with SIGKILL a random moment after its first committed chunk reached the output. */
function signAndKill(args: readonly string[], out: string): Promise<{ signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(), stdio: 'ignore' });
    const partial = join(out, 'certificates.jsonl.partial');
    const watch = setInterval(() => {
      if (!existsSync(partial) || statSync(partial).size === 0) return;
      clearInterval(watch);
      setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 400));
    }, 10);
    child.on('error', reject);
    child.on('close', (_code, signal) => { clearInterval(watch); resolve({ signal }); });
  });
}

describe('fleetpki batch', { timeout: 240_000 }, () => {
  let h: Hierarchy;
  const N = 2500;

  before(async () => { h = await buildHierarchy(tempDir('batch'), { quota: 3000 }); });
  after(() => { if (h) rmSync(h.dir, { recursive: true, force: true }); });

  it('SIGKILL at a random point, then the same command: exactly N distinct certificates, no serial twice, nothing pending, the audit chain verifies', async () => {
    const input = await requests(join(h.dir, 'kill.jsonl'), 'kill', N);
    const out = join(h.dir, 'kill-out');
    const args = ['batch', 'sign', '--data', h.data, '--ca', h.manufacturer, '--in', input, '--out', out, '--chunk-size', '64'];
    const first = await signAndKill(args, out);
    assert.equal(first.signal, 'SIGKILL', 'the first run was killed');
    const batchId = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')).batchId as string;
    const cut = await storeCounts(h.data, batchId);
    assert.ok(cut.devices < N, `killed before the end (${cut.devices} recorded)`);
    const second = await cliOk(args);
    assert.match(second.stdout, new RegExp(`^batch ${batchId} completed: \\d+ issued, \\d+ already issued, 0 refused \\(run 2, ${N} in the batch\\);`));
    assert.deepEqual(await storeCounts(h.data, batchId), { devices: N, issued: N, serials: N, pending: 0 });
    const lines = jsonl(join(out, 'certificates.jsonl'));
    assert.deepEqual([lines.length, new Set(lines.map((l) => l['serial'])).size, new Set(lines.map((l) => l['deviceId'])).size], [N, N, N]);
    assert.equal(existsSync(join(out, 'certificates.jsonl.partial')), false);
    assert.match((await cliOk(['audit', 'verify', '--data', h.data])).stdout, /audit log verified/);
    // The manifest, to OpenSSL and to us; a certificate, to OpenSSL.
    const content = join(h.dir, 'manifest.jsonl');
    await toolOk('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(out, 'manifest'), '-CAfile', h.rootCert, '-purpose', 'any', '-out', content]);
    const manifest = readFileSync(content, 'utf8').split('\n').filter(Boolean);
    assert.deepEqual([manifest.length, JSON.parse(manifest[N + 1]!)], [N + 2, { count: N }]);
    assert.match((await cliOk(['batch', 'verify', '--manifest', join(out, 'manifest'), '--root', h.rootCert, '--certificates', join(out, 'certificates.jsonl')])).stdout, new RegExp(`devices: +${N}`));
    writeFileSync(join(h.dir, 'leaf.pem'), lines[0]!['certificate'] as string);
    assert.match((await toolOk('openssl', ['verify', '-CAfile', h.rootCert, '-untrusted', join(out, 'chain.pem'), join(h.dir, 'leaf.pem')])).stdout, /leaf.pem: OK/);
  });

  it('a changed manifest is MANIFEST_SIGNATURE_INVALID; a certificates file that differs is MANIFEST_MISMATCH; another root MANIFEST_SIGNER_UNTRUSTED', async () => {
    const input = await requests(join(h.dir, 'small.jsonl'), 'small', 3);
    const out = join(h.dir, 'small-out');
    await cliOk(['batch', 'sign', '--data', h.data, '--ca', h.manufacturer, '--in', input, '--out', out, '--batch', 'small']);
    const bytes = readFileSync(join(out, 'manifest'));
    bytes[bytes.indexOf('small-00001')] = 0x53;
    writeFileSync(join(h.dir, 'changed.manifest'), bytes);
    assertExit(await cli(['batch', 'verify', '--manifest', join(h.dir, 'changed.manifest'), '--root', h.rootCert]), 1, /^error MANIFEST_SIGNATURE_INVALID: /);
    writeFileSync(join(h.dir, 'two.jsonl'), readFileSync(join(out, 'certificates.jsonl'), 'utf8').split('\n').slice(0, 2).join('\n'));
    assertExit(await cli(['batch', 'verify', '--manifest', join(out, 'manifest'), '--root', h.rootCert, '--certificates', join(h.dir, 'two.jsonl')]), 1,
      /^error MANIFEST_MISMATCH: .*small-00002\) is in the manifest but not in/);
    assertExit(await cli(['batch', 'verify', '--manifest', join(out, 'manifest'), '--root', join(out, 'certificates.jsonl')]), 1, /^error BAD_PEM|^error MANIFEST_SIGNER_UNTRUSTED/);
  });

  it('refused lines go to refused.jsonl with their codes, the rest is issued, and the command exits 1 BATCH_INCOMPLETE', async () => {
    const good = (await requests(join(h.dir, 'one.jsonl'), 'mixed', 1)).toString();
    const csv = join(h.dir, 'mixed.csv');
    const { csr } = jsonl(good)[0] as { csr: string };
    writeFileSync(csv, `deviceId,csr,line\nmixed-00000,"${csr}",9\nmixed-00001,not a csr,9\nkill-00000,"${csr}",9\n`);
    const out = join(h.dir, 'mixed-out');
    const r = await cli(['batch', 'sign', '--data', h.data, '--ca', h.manufacturer, '--in', csv, '--out', out, '--batch', 'mixed']);
    assertExit(r, 1, /^error BATCH_INCOMPLETE: 2 devices refused: see .*refused\.jsonl$/m);
    assert.match(r.stdout, /^batch mixed completed: 1 issued, 0 already issued, 2 refused/);
    // A record's line is where it starts: the first record's quoted PEM spans lines 2-9.
    assert.deepEqual(jsonl(join(out, 'refused.jsonl')).map((x) => [x['line'], x['deviceId'], x['code']]), [
      [10, 'mixed-00001', 'BATCH_LINE_INVALID'], [11, 'kill-00000', 'BATCH_DEVICE_CONFLICT'],
    ]);
    assert.deepEqual(jsonl(join(out, 'certificates.jsonl')).map((x) => [x['deviceId'], x['attributes']]), [['mixed-00000', { batch: 'mixed', line: '9' }]]);
  });

  it('a key-generation station: keys encrypted as PKCS#8 (openssl pkcs8) or CMS for a recipient (openssl cms -decrypt), each the key of its certificate', async () => {
    writeFileSync(join(h.dir, 'keygen.jsonl'), '{"deviceId":"kg-1"}\n{"deviceId":"kg-2"}\n');
    writeFileSync(join(h.dir, 'kp.txt'), 'device key passphrase\n');
    const out = join(h.dir, 'kg-out');
    await cliOk(['batch', 'sign', '--data', h.data, '--ca', h.manufacturer, '--in', join(h.dir, 'keygen.jsonl'), '--out', out, '--batch', 'kg', '--generate-keys',
      '--key-passphrase-file', join(h.dir, 'kp.txt'), '--folders']);
    const spki = async (args: readonly string[]) => (await toolOk('sh', ['-c', `${args.join(' ')} | openssl pkey -pubin -outform DER | sha256sum`])).stdout;
    const dev = join(out, 'devices', 'kg-1');
    assert.match(readFileSync(join(dev, 'key.pem'), 'utf8'), /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    assert.equal(statSync(join(dev, 'key.pem')).mode & 0o777, 0o600);
    assert.equal(await spki(['openssl pkcs8', '-in', join(dev, 'key.pem'), '-passin', `file:${join(h.dir, 'kp.txt')}`, '| openssl pkey -pubout']),
      await spki(['openssl x509 -in', join(dev, 'certificate.pem'), '-pubkey -noout']));
    const rk = join(h.dir, 'recipient.key');
    const rc = join(h.dir, 'recipient.pem');
    await toolOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', rk, '-out', rc, '-subj', '/CN=recipient', '-days', '30']);
    writeFileSync(join(h.dir, 'keygen2.jsonl'), '{"deviceId":"kg-3"}\n');
    const out2 = join(h.dir, 'kg2-out');
    await cliOk(['batch', 'sign', '--data', h.data, '--ca', h.manufacturer, '--in', join(h.dir, 'keygen2.jsonl'), '--out', out2, '--batch', 'kg2', '--generate-keys', '--key-recipient', rc, '--folders']);
    const dev2 = join(out2, 'devices', 'kg-3');
    assert.equal(await spki(['openssl cms -decrypt -binary -inform DER -in', join(dev2, 'key.p7m'), '-recip', rc, '-inkey', rk, '| openssl pkey -inform DER -pubout']),
      await spki(['openssl x509 -in', join(dev2, 'certificate.pem'), '-pubkey -noout']));
  });

  it('an offline station: export the CA, sign there, import here (twice: the second imports nothing), reconcile', async () => {
    const env = { FLEETPKI_OFFLINE_PASSPHRASE: 'offline transfer passphrase' };
    const pkg = join(h.dir, 'cm1.offline.json');
    await cliOk(['ca', 'export-offline', '--data', h.data, '--name', h.manufacturer, '--out', pkg, '--quota', '10'], { env });
    assert.equal(statSync(pkg).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(pkg, 'utf8'), /BEGIN PRIVATE KEY|BEGIN EC PRIVATE KEY/);
    const station = join(h.dir, 'station');
    const stationEnv = { ...env, FLEETPKI_CA_PASSPHRASE: 'the station passphrase' };
    await cliOk(['ca', 'import-offline', '--data', station, '--in', pkg], { env: stationEnv });
    const input = await requests(join(h.dir, 'station.jsonl'), 'st', 4);
    const out = join(h.dir, 'station-out');
    await cliOk(['batch', 'sign', '--data', station, '--ca', h.manufacturer, '--in', input, '--out', out, '--batch', 'S1'], { env: stationEnv });
    assert.match((await cliOk(['batch', 'import', '--data', h.data, '--dir', out])).stdout, /imported: +4\nalready here: +0\nrefused: +0/);
    assert.match((await cliOk(['batch', 'import', '--data', h.data, '--dir', out])).stdout, /imported: +0\nalready here: +4\nrefused: +0/);
    const report = JSON.parse((await cliOk(['batch', 'reconcile', '--data', h.data, '--batch', 'S1', '--json'])).stdout) as { batches: unknown[] };
    assert.deepEqual(report.batches, [{ batchId: 'S1', caName: h.manufacturer, manufacturer: 'Contoso', issued: 4, seen: 0, neverSeen: 4, duplicates: 0 }]);
    assert.match((await cliOk(['audit', 'verify', '--data', h.data])).stdout, /audit log verified/);
  });
});
