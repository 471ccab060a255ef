/**
 * Nothing returned is lost: a real server process is killed with SIGKILL in the middle of
 * a stream of issuances, then restarted on the same data folder. Every certificate that
 * was returned to a caller must be there, byte for byte; no serial appears twice; the
 * audit chain still verifies. (docs/decisions/003-sqlite-synchronous-normal.md)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { startServer } from './real-server.js';


async function issue(url: string, token: string, csrPem: string, i: number): Promise<{ serial: string; certificate: string } | null> {
  try {
    const r = await fetch(`${url}/api/v1/certificates`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ csr: csrPem, profile: 'device-operational', deviceId: `dur-${i}` }),
      signal: AbortSignal.timeout(10_000),
    });
    if (r.status !== 201) return null;
    return (await r.json()) as { serial: string; certificate: string };
  } catch {
    return null; // the connection died with the server: nothing was returned
  }
}

test('SIGKILL during a stream of issuances loses nothing that was returned', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-durability-'));
  try {
    let server = await startServer(dir);
    const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const csrs = await Promise.all(Array.from({ length: 16 }, async () =>
      toPem('CERTIFICATE REQUEST', await buildCsr({ subject: parseNameString('CN=device') }, softwareSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)))));
    const returned: { serial: string; certificate: string }[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const i = next++;
        const r = await issue(server.url, token, csrs[i % csrs.length]!, i);
        // Any response that arrived was returned to a caller, even one racing the kill.
        if (r) returned.push(r);
        else if (killed) return;
      }
    };
    const workers = Array.from({ length: 24 }, worker);
    while (returned.length < 200) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    killed = true;
    await Promise.all(workers);
    assert.ok(returned.length >= 200, `only ${returned.length} issued before the kill`);

    server = await startServer(dir);
    try {
      for (const r of returned) {
        const got = await fetch(`${server.url}/api/v1/certificates/${r.serial}`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(got.status, 200, `serial ${r.serial} was returned but is not in the store`);
        const body = (await got.json()) as { certificate: string; status: string };
        assert.equal(body.certificate, r.certificate);
        assert.equal(body.status, 'issued');
      }
      assert.equal(new Set(returned.map((r) => r.serial)).size, returned.length);
      const verify = await fetch(`${server.url}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(verify.status, 200);
      assert.equal(((await verify.json()) as { ok: boolean }).ok, true);
      // Issuance goes on after the restart: no serial or state was left half-written.
      assert.ok(await issue(server.url, token, csrs[0]!, 100_000));
    } finally {
      server.child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
