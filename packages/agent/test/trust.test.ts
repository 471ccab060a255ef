/**
 * Root rollover through a signed trust bundle served by the server (GET /api/v1/trust/bundle
 * on the TLS listener): root A signs a bundle adding root B; the agent applies it and keeps
 * connecting; a replayed (stale) bundle and one signed by a key outside the store are refused
 * with core's codes and change nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { certificateAnchor, createTrustBundle, fromPem, parseCertificate, parseTrustStore } from '@fleetpki/core';
import { readEncryptedKeyFile, softwareSigner } from '@fleetpki/keys';
import type { Agent } from '../src/index.js';
import { openFixture, type Fixture } from './support.js';

let f: Fixture;
let agent: Agent;
before(async () => {
  f = await openFixture();
  await f.group('trust');
  const b = await f.bootstrap('sensor-t1');
  agent = f.agent('t1', { label: 'trust', bootstrap: b, ocsp: false, checkIntervalSeconds: 60, trustBundleUrl: `${f.tlsUrl}/api/v1/trust/bundle` });
  const r = await agent.tick();
  assert.equal(r.action, 'enrolled', `${r.error?.code}: ${r.error?.message}`);
});
after(async () => { await f.close(); });

/** A self-signed P-256 root made by openssl: certificate and key PEM. */
function opensslRoot(name: string): { cert: Buffer; key: string } {
  const [k, c] = [join(f.dir, `${name}.key`), join(f.dir, `${name}.crt`)];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', k, '-out', c], { stdio: 'ignore' });
  return { cert: fromPem(readFileSync(c, 'utf8'), ['CERTIFICATE']), key: readFileSync(k, 'utf8') };
}

function publish(der: Uint8Array): void {
  mkdirSync(join(f.dir, 'data', 'trust'), { recursive: true });
  writeFileSync(join(f.dir, 'data', 'trust', 'bundle.der'), der);
}

async function tickAfterInterval(): Promise<void> {
  await f.clock.sleep(61_000);
  const r = await agent.tick();
  assert.equal(r.action, 'idle', `${r.error?.code}: ${r.error?.message}`);
}

const storeOnDisk = () => {
  const r = parseTrustStore(readFileSync(join(f.dir, 'agents', 't1', 'trust.json'), 'utf8'));
  assert.ok(r.ok);
  return r.store;
};

describe('trust bundles', () => {
  it('reports no bundle while none is published', async () => {
    await tickAfterInterval();
    assert.equal(agent.status().lastBundle?.code, 'BUNDLE_NONE');
  });

  it('applies a bundle signed by root A that adds root B, and keeps connecting', async () => {
    const rootA = parseCertificate(fromPem(f.rootPem, ['CERTIFICATE']));
    const passphrase = readFileSync(join(f.dir, 'data', 'ca-passphrase'), 'utf8').trim();
    const keyA = readEncryptedKeyFile(join(f.dir, 'data', 'dev-root', 'root.key.pem'), passphrase);
    const rootB = parseCertificate(opensslRoot('root-b').cert);
    const now = f.clock.now();
    publish(await createTrustBundle({ bundleSequence: 1, issuedAt: now, notBefore: now, add: [certificateAnchor(rootB)], retire: [] }, rootA, softwareSigner(keyA)));
    await tickAfterInterval();
    const s = agent.status();
    assert.equal(s.lastBundle?.applied, true);
    assert.equal(s.trustStore?.sequence, 1);
    assert.equal(s.trustStore?.anchors.length, 2);
    assert.equal(storeOnDisk().sequence, 1);
    agent.forceRenewal();
    assert.equal((await agent.tick()).action, 'renewed', 'still connects with the new store');
  });

  it('refuses the same bundle again (BUNDLE_STALE) and changes nothing', async () => {
    await tickAfterInterval();
    assert.equal(agent.status().lastBundle?.code, 'BUNDLE_STALE');
    assert.equal(storeOnDisk().sequence, 1);
  });

  it('refuses a bundle signed by a root outside the store (BUNDLE_SIGNER_UNTRUSTED)', async () => {
    const rogue = opensslRoot('rogue');
    const { createPrivateKey } = await import('node:crypto');
    const now = f.clock.now();
    publish(await createTrustBundle({ bundleSequence: 9, issuedAt: now, notBefore: now, add: [certificateAnchor(parseCertificate(rogue.cert))], retire: [] }, parseCertificate(rogue.cert), softwareSigner(createPrivateKey(rogue.key))));
    await tickAfterInterval();
    assert.equal(agent.status().lastBundle?.code, 'BUNDLE_SIGNER_UNTRUSTED');
    assert.equal(storeOnDisk().sequence, 1);
    assert.equal(storeOnDisk().size, 2);
  });

  it('refuses bytes that are not a signed bundle (BUNDLE_MALFORMED)', async () => {
    publish(Buffer.from('not a bundle'));
    await tickAfterInterval();
    assert.equal(agent.status().lastBundle?.code, 'BUNDLE_MALFORMED');
    assert.equal(storeOnDisk().sequence, 1);
  });
});
