// Issuance through the real cycle: CertificateAuthority over the SQLite store and the
// encrypted-PKCS#8 key vault, P-256 device certificates from pre-made CSRs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { CertificateAuthority, SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, compileProfiles, BUILTIN_PROFILES, parseNameString } from '@fleetpki/core';
import { generatePrivateKey, Pkcs8KeyVault, softwareSigner } from '@fleetpki/keys';
import { openStore } from '@fleetpki/store';
import { pooledRandom } from '@fleetpki/server';
import { rateAsync } from './measure.mjs';

async function makeCsrs(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    out.push(await buildCsr({ subject: parseNameString(`CN=device-${i}`) }, softwareSigner(privateKey)));
  }
  return out;
}

export async function openBenchCa(dir) {
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'fleetpki.db') });
  const deps = {
    store, keys: new Pkcs8KeyVault('benchmark passphrase'), clock: { now: () => new Date() },
    random: pooledRandom(), events: { publish() {} },
    settings: { profiles: compileProfiles(BUILTIN_PROFILES), publicUrl: 'http://127.0.0.1:8080', deviceNamespace: 'devices.bench.example' },
  };
  const ca = new CertificateAuthority(deps);
  await ca.createDevelopmentHierarchy(softwareSigner(generatePrivateKey('ecdsa-p384')));
  return { ca, store };
}

export async function measureIssuance({ count, window }) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-'));
  try {
    const { ca, store } = await openBenchCa(dir);
    const csrs = await makeCsrs(Math.min(count, 2000));
    const issue = (prevalidated) => (i) => ca.issueCertificate(SYSTEM_ACTOR,
      { csrDer: csrs[i % csrs.length], profile: 'device-operational', deviceId: `dev-${prevalidated ? 'p' : 'v'}-${i}` }, { prevalidated });
    await rateAsync(issue(false), Math.min(500, count), window); // warm-up: JIT, page cache
    const full = await rateAsync(issue(false), count, window);
    const prevalidated = await rateAsync(issue(true), count, window);
    await store.close();
    return { full, prevalidated };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
