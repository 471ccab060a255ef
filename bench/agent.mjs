// 1,000 device agents (@fleetpki/agent) renewing against one `fleetpki serve` (--only agent):
// the agents are enrolled first (IDevIDs from a manufacturer CA, simpleenroll), then every
// one renews once (simplereenroll with a new P-256 key, over a new mutual-TLS connection
// validated by verifyPath, identity committed with fsyncs), `concurrency` at a time.
// Agents and server share this process and its two cores: renewals/s is a floor, and the
// latency is what an agent observes (server time plus the agent's own work).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { serve } from '@fleetpki/server';
import { Agent, parseConfig } from '@fleetpki/agent';

async function pool(items, concurrency, fn) {
  const latencies = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++];
      const t = performance.now();
      await fn(item);
      latencies.push(performance.now() - t);
    }
  }));
  return latencies.sort((a, b) => a - b);
}

export async function measureAgents({ agents, concurrency, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-agent-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ logLevel: 'warn' }));
  const running = await serve({ data: join(dir, 'data'), listen: '127.0.0.1:0', listenTls: '127.0.0.1:0' }, {}, () => {});
  try {
    const ca = running.deployment.ca;
    const cm1 = await ca.createManufacturerCa(SYSTEM_ACTOR, {
      name: 'cm1', parent: 'dev-issuing', subject: 'CN=Bench Manufacturing CA', manufacturer: 'Bench', namespace: 'cm1.bench.example.com', quota: null, keyType: 'ecdsa-p256',
    });
    const cm1Pem = toPem('CERTIFICATE', cm1.certificateDer);
    await ca.createEnrollmentGroup(SYSTEM_ACTOR, { label: 'fleet', profile: 'device-operational', anchors: [cm1Pem], deviceIdPattern: '^agent-[0-9a-f]{6}$', rateLimit: { requests: 1000000, perSeconds: 1 } });
    const rootFile = join(dir, 'data', 'dev-root', 'root.crt.pem');
    log(`enrolling ${agents} agents ...`);
    const list = [];
    for (let i = 0; i < agents; i++) {
      const id = `agent-${i.toString(16).padStart(6, '0')}`;
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const csr = await buildCsr({ subject: parseNameString(`serialNumber=${id}`) }, softwareSigner(key));
      const idevid = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer: csr, profile: 'device-idevid', caName: 'cm1' }, { prevalidated: true });
      const b = join(dir, 'idevid', id);
      mkdirSync(b, { recursive: true });
      writeFileSync(join(b, 'cert.pem'), toPem('CERTIFICATE', idevid.certificateDer) + cm1Pem);
      writeFileSync(join(b, 'key.pem'), key.export({ type: 'pkcs8', format: 'pem' }));
      list.push(new Agent({ config: parseConfig({ stateDir: join(dir, 'agents', id), estUrl: running.tlsUrl, label: 'fleet', trustAnchorsFile: rootFile, ocsp: false, bootstrap: { certFile: join(b, 'cert.pem'), keyFile: join(b, 'key.pem') } }) }));
    }
    await pool(list, concurrency, async (a) => { const r = await a.tick(); if (r.action !== 'enrolled') throw new Error(`enroll: ${r.error?.code} ${r.error?.message}`); });
    log(`renewing ${agents} agents, ${concurrency} at a time ...`);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let failed = 0;
    const lat = await pool(list, concurrency, async (a) => { a.forceRenewal(); const r = await a.tick(); if (r.action !== 'renewed') failed++; });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      rps: agents / seconds, p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)], failed,
      cpuMsPerRenewal: (cpu.user + cpu.system) / 1000 / agents,
    };
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
