// OCSP over HTTP on loopback, keep-alive, the load generator (loadgen.mjs) in its own
// process: cached answers (RFC 5019 GET) for a store of N certificates beside the ceiling
// measured in the same run (a bare node:http server answering the same precomputed bytes
// from a Map), live signing (a fresh nonce per request, so every answer is signed), and
// `openssl ocsp` as a peer responder on the same serials when a loopback-only network
// namespace is available (it binds every interface), and Debian's `cfssl ocspserve` as a
// peer for pre-signed answers (it serves a file of responses; here ours, the same bytes).
// Live signing and openssl alternate for `rounds` rounds and the medians are compared: the
// machines are shared and noisy, and a single back-to-back pair swung from 0.6 to 1.5.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { buildApp } from '@fleetpki/server';
import { CA, ocspRequest, openBenchDeployment, seedIssued, serialOf } from './status-fixture.mjs';
import { runLoadGenerator } from './measure.mjs';

const LOADGEN = fileURLToPath(new URL('./loadgen.mjs', import.meta.url));

const load = (opts) => runLoadGenerator(LOADGEN, opts);

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

/** `openssl ocsp -index` inside `unshare -rn` (a network namespace with only its own loopback), driven by the same load generator there. */
function opensslPeer(b, rows, sample, seconds, connections, log) {
  if (spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { timeout: 5000 }).status !== 0) {
    return { skipped: 'openssl ocsp peer skipped: no loopback-only network namespace (unshare -rn)' };
  }
  return b.signerFiles.then(({ cert, key }) => {
    const index = join(b.dir, 'index.txt');
    const lines = [];
    const exp = '351231235959Z';
    for (let i = 0; i < rows; i++) lines.push(`V\t${exp}\t\t${serialOf(i).toUpperCase()}\tunknown\t/CN=device-${i}\n`);
    writeFileSync(index, lines.join(''));
    writeFileSync(join(b.dir, 'index.txt.attr'), 'unique_subject = no\n');
    const caPem = join(b.dir, 'issuing.pem');
    writeFileSync(caPem, toPem('CERTIFICATE', b.caDer));
    const body = ocspRequest([b.certId(sample)], Buffer.alloc(16)).toString('base64');
    const port = 18_000 + (process.pid % 1000);
    const opts = JSON.stringify({ url: `http://127.0.0.1:${port}`, mode: 'nonce', body, connections, seconds, waitMs: 120_000 });
    const script = `ip link set lo up; openssl ocsp -index "$1" -CA "$2" -rsigner "$3" -rkey "$4" -port ${port} -nmin 60 -ignore_err >/dev/null 2>&1 & p=$!; "$5" "$6" "$7"; kill $p`;
    log(`openssl ocsp responder on ${rows} index lines in a private network namespace ...`);
    const r = spawnSync('unshare', ['-rn', 'sh', '-c', script, 'sh', index, caPem, cert, key, process.execPath, LOADGEN, opts], { encoding: 'utf8', timeout: (seconds + 180) * 1000 });
    if (r.status !== 0 || !r.stdout) return { skipped: `openssl ocsp peer failed: ${r.stderr}` };
    return JSON.parse(r.stdout);
  });
}

/** The run whose rate is the median of the rounds. */
const median = (runs) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)];

async function bareServer(bare, paths, connections, seconds) {
  const server = http.createServer((req, res) => {
    const v = bare.get(req.url);
    res.writeHead(v ? 200 : 404, { 'content-type': 'application/ocsp-response', 'content-length': v ? v.length : 0 });
    res.end(v);
  });
  server.keepAliveTimeout = 60_000;
  const bareUrl = await listen(server);
  try { return await load({ url: bareUrl, mode: 'get', paths, connections, seconds }); } finally { await new Promise((r) => server.close(r)); }
}

/**
 * Debian's `cfssl ocspserve` (package golang-cfssl) serving our pre-signed answers from a
 * file (one base64 response per line; it keys them by serial), on one core (GOMAXPROCS=1)
 * so that it compares per core with our single event loop. Debian's cfssl (1.2.0, 2016)
 * cannot answer RFC 5019 GETs (it base64-decodes the path with its leading slash), so both
 * are driven with the same POSTs, which we also answer from the pre-signed cache.
 */
async function cfsslPeer(dir, bare, requests, connections, seconds, log) {
  if (spawnSync('cfssl', ['version'], { timeout: 5000 }).status !== 0) return { skipped: 'cfssl ocspserve peer skipped: cfssl not installed (Debian golang-cfssl)' };
  const file = join(dir, 'cfssl-responses.txt');
  writeFileSync(file, [...bare.values()].map((der) => der.toString('base64')).join('\n') + '\n');
  const port = 19_000 + (process.pid % 1000);
  log(`peer: cfssl ocspserve on ${bare.size} pre-signed responses ...`);
  const child = spawn('cfssl', ['ocspserve', '-address', '127.0.0.1', '-port', String(port), '-responses', file, '-loglevel', '5'], {
    stdio: 'ignore', env: { ...process.env, GOMAXPROCS: '1' },
  });
  try {
    return await load({ url: `http://127.0.0.1:${port}`, mode: 'post', path: '/', bodies: requests, connections, seconds, waitMs: 30_000 });
  } catch (e) {
    return { skipped: `cfssl ocspserve peer failed: ${e.message}` };
  } finally {
    child.kill('SIGKILL');
  }
}

/** A delegated OCSP signer for the openssl peer: a key and its certificate from the CA, as files. */
async function peerSignerFiles(b, ca) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const csrDer = await buildCsr({ subject: parseNameString('CN=openssl peer responder') }, softwareSigner(privateKey));
  const issued = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: 'ocsp-signer' });
  const cert = join(b.dir, 'peer-signer.pem');
  const key = join(b.dir, 'peer-signer.key');
  writeFileSync(cert, toPem('CERTIFICATE', issued.certificateDer));
  writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { cert, key };
}

export async function measureOcsp({ rows, seconds = 5, connections = 32, sampleSize = 5000, rounds = 3, log = () => {}, peer = true }) {
  const b = await openBenchDeployment();
  try {
    log(`seeding ${rows} issued certificates ...`);
    await seedIssued(b.deployment.store, rows);
    const ca = b.deployment.ca;
    // Serials spread over the whole store; their RFC 5019 GET paths; each answered once (pre-signed, cached).
    const step = Math.max(1, Math.floor(rows / sampleSize));
    const serials = Array.from({ length: Math.min(sampleSize, rows) }, (_, k) => serialOf(k * step));
    const paths = [];
    const requests = [];
    const bare = new Map();
    for (const s of serials) {
      const der = ocspRequest([b.certId(s)]);
      const path = `/ocsp/${encodeURIComponent(der.toString('base64'))}`;
      const a = await ca.ocsp.respond(der);
      if (a.status !== 'successful') throw new Error(`OCSP answer ${a.status} for ${s}`);
      paths.push(path);
      requests.push(der.toString('base64'));
      bare.set(path, a.response.der);
    }
    const app = await buildApp({ ca, config: b.config, events: b.deployment.events });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    log(`OCSP cached GET, ${connections} keep-alive connections, ${seconds} s ...`);
    const cached = await load({ url, mode: 'get', paths, connections, seconds });

    log('ceiling: bare node:http server answering the same bytes from a Map ...');
    const ceiling = await bareServer(bare, paths, connections, seconds);
    log('OCSP cached POST (the same requests as the cfssl peer gets) ...');
    const cachedPost = await load({ url, mode: 'post', bodies: requests, connections, seconds });
    const cfssl = await cfsslPeer(b.dir, bare, requests, connections, seconds, log);

    if (peer) b.signerFiles = peerSignerFiles(b, ca);
    const body = ocspRequest([b.certId(serials[0])], Buffer.alloc(16)).toString('base64');
    const lives = [];
    const openssls = [];
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round}/${rounds}: OCSP live signing (a nonce in every request) ...`);
      lives.push(await load({ url, mode: 'nonce', body, connections, seconds }));
      if (!peer) continue;
      let o;
      try { o = await opensslPeer(b, rows, serials[0], seconds, connections, log); } catch (e) { o = { skipped: `openssl ocsp peer failed: ${e.message}` }; }
      openssls.push(o);
      if (o.skipped) break;
    }
    await app.close();
    const live = median(lives);
    const skippedPeer = openssls.find((o) => o.skipped);
    const openssl = !peer ? { skipped: 'openssl ocsp peer not run' } : skippedPeer ?? median(openssls);
    return { cached, cachedPost, live, ceiling, openssl, cfssl, rounds: { live: lives.map((x) => x.rps), openssl: openssls.map((x) => x.rps) }, caName: CA };
  } finally {
    await b.close();
  }
}

