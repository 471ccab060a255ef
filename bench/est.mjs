// EST simpleenroll end to end: `fleetpki serve`'s TLS listener in this process, a load
// generator in another (est-loadgen.mjs), a new mutual-TLS connection per enrollment with a
// P-256 bootstrap certificate (an IDevID from a manufacturer CA) and a P-256 CSR, each
// pair used once. The ceiling, measured in the same run with the same client, server
// certificate and TLS settings: a bare node:https server that completes the mutual-TLS
// handshake, reads the body and answers 200.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { serve } from '@fleetpki/server';

import { runLoadGenerator } from './measure.mjs';

const LOADGEN = fileURLToPath(new URL('./est-loadgen.mjs', import.meta.url));

const load = (opts) => runLoadGenerator(LOADGEN, opts);

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

/** `n` devices: bootstrap key + IDevID chain (PEM) and a base64 CSR, made before timing. */
async function devicePool(ca, cm1Pem, n, prefix) {
  const items = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i.toString(16).padStart(6, '0')}`;
    const bootKey = p256();
    const idevCsr = await buildCsr({ subject: parseNameString(`serialNumber=${id}`) }, softwareSigner(bootKey));
    const idevid = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer: idevCsr, profile: 'device-idevid', caName: 'cm1' }, { prevalidated: true });
    const csr = await buildCsr({ subject: parseNameString(`CN=${id}`) }, softwareSigner(p256()));
    items.push({ key: bootKey.export({ type: 'pkcs8', format: 'pem' }), cert: toPem('CERTIFICATE', idevid.certificateDer) + cm1Pem, body: csr.toString('base64') });
  }
  return items;
}

async function bareServer(keyPem, certPem) {
  const server = createServer({ key: keyPem, cert: certPem, minVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false }, (req, res) => {
    req.on('data', () => {});
    req.on('end', () => { res.writeHead(200, { 'Content-Length': 2 }); res.end('ok'); });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `https://127.0.0.1:${server.address().port}` };
}

export async function measureEst({ seconds, pool, connections, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-bench-est-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ logLevel: 'warn' }));
  const running = await serve({ data: dir, listen: '127.0.0.1:0', listenTls: '127.0.0.1:0' }, {}, () => {});
  try {
    const ca = running.deployment.ca;
    const cm1 = await ca.createManufacturerCa(SYSTEM_ACTOR, {
      name: 'cm1', parent: 'dev-issuing', subject: 'CN=Bench Manufacturing CA', manufacturer: 'Bench', namespace: 'cm1.bench.example.com', quota: null, keyType: 'ecdsa-p256',
    });
    const cm1Pem = toPem('CERTIFICATE', cm1.certificateDer);
    await ca.createEnrollmentGroup(SYSTEM_ACTOR, { label: 'bench', profile: 'device-operational', anchors: [cm1Pem], deviceIdPattern: '^(est|bare)-[0-9a-f]{6}$' });
    const rootPem = readFileSync(join(dir, 'dev-root', 'root.crt.pem'), 'utf8');
    log(`EST: ${pool} bootstrap certificates and CSRs for each side ...`);
    const estItems = await devicePool(ca, cm1Pem, pool, 'est');
    const bareItems = await devicePool(ca, cm1Pem, pool, 'bare');
    const keyPem = running.deployment.keySeal.open(readFileSync(join(dir, 'tls', 'server.key.pem'), 'utf8')).export({ type: 'pkcs8', format: 'pem' });
    const certPem = readFileSync(join(dir, 'tls', 'server.crt.pem'), 'utf8');
    const bare = await bareServer(keyPem, certPem);
    let ceiling;
    try {
      log('ceiling: bare node:https mutual-TLS server answering 200 ...');
      ceiling = await load({ url: bare.url, path: '/', ca: rootPem, items: bareItems, connections, seconds });
    } finally { await new Promise((r) => { bare.server.close(r); bare.server.closeAllConnections(); }); }
    log('EST simpleenroll over mutual TLS, new connection each ...');
    const est = await load({ url: running.tlsUrl, path: '/.well-known/est/bench/simpleenroll', ca: rootPem, items: estItems, connections, seconds });
    return { est, ceiling };
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
