// CRLs for a CA with N revoked certificates through ca.crls.publish (store listRevoked +
// page-by-page encoding + sign + save), the delta after 1,000 more revocations, the heap
// around them; and "revoke -> OCSP says revoked": revoke through the use case, then an
// OCSP request for a serial whose good answer was cached (p50/p99).
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { parseOcspResponse } from '@fleetpki/core';
import { CA, ocspRequest, openBenchDeployment, seedIssued, serialOf } from './status-fixture.mjs';
import { percentile } from './measure.mjs';

async function revokeAll(store, from, n, now = new Date(), batch = 5000) {
  for (let start = from; start < from + n; start += batch) {
    const revocations = Array.from({ length: Math.min(batch, from + n - start) }, (_, k) => ({ serial: serialOf(start + k), reason: 'keyCompromise', revokedAt: now, invalidityDate: null }));
    await store.revokeCertificates(revocations, (c) => ({ at: now, actor: 'bench', action: 'certificate.revoke', outcome: 'success', target: c.serial }));
  }
}

const heap = () => { globalThis.gc?.(); return process.memoryUsage().heapUsed; };

export async function measureCrl({ revoked, deltaRevocations = 1000, revokeTries = 200, log = () => {} }) {
  const b = await openBenchDeployment();
  try {
    const ca = b.deployment.ca;
    const total = revoked + deltaRevocations + revokeTries;
    log(`seeding ${total} issued certificates, revoking ${revoked} ...`);
    await seedIssued(b.deployment.store, total);
    // Revoked a day ago: a delta lists changes since a little before its base (DELTA_OVERLAP_MS,
    // 5 min), so a million revoked seconds before the base would all be in the delta too.
    await revokeAll(b.deployment.store, 0, revoked, new Date(Date.now() - 86400_000));
    await ca.crls.publish(CA, 'full'); // warm: signer, issuer, JIT (and a first full CRL)
    const heapBefore = heap();
    let peak = heapBefore;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 5);
    let t = performance.now();
    const full = await ca.crls.publish(CA, 'full');
    const fullMs = performance.now() - t;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const heapAfter = heap();
    await revokeAll(b.deployment.store, revoked, deltaRevocations);
    t = performance.now();
    const delta = await ca.crls.publish(CA, 'delta');
    const deltaMs = performance.now() - t;

    log(`revoke -> OCSP says revoked, ${revokeTries} tries ...`);
    const lat = [];
    for (let k = 0; k < revokeTries; k++) {
      const serial = serialOf(revoked + deltaRevocations + k);
      const req = ocspRequest([b.certId(serial)]);
      const before = await ca.ocsp.respond(req); // cached good answer
      if (before.status !== 'successful' || parseOcspResponse(before.response.der).responses[0].certStatus.status !== 'good') throw new Error('expected good');
      const s = performance.now();
      await ca.revokeCertificate(SYSTEM_ACTOR, serial, { reason: 'keyCompromise' });
      const a = await ca.ocsp.respond(req);
      lat.push(performance.now() - s);
      if (a.status !== 'successful' || parseOcspResponse(a.response.der).responses[0].certStatus.status !== 'revoked') throw new Error(`OCSP still not revoked for ${serial}`);
    }
    lat.sort((x, y) => x - y);
    return {
      fullMs, fullBytes: full.der.length, deltaMs, deltaBytes: delta.der.length,
      heapBeforeMb: heapBefore / 1e6, heapPeakMb: peak / 1e6, heapAfterMb: heapAfter / 1e6,
      revokeP50: percentile(lat, 50), revokeP99: percentile(lat, 99),
    };
  } finally {
    await b.close();
  }
}
