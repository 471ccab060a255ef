// Worker threads of the batch benchmark (batch.mjs): make P-256 CSRs into a JSON Lines
// file, or measure one core's P-256 sign and verify rates while the other core does too.
import { generateKeyPairSync, sign, verify, KeyObject, webcrypto } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { buildCsr, parseCsr, parseNameString, toPem } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';

async function makeCsrs({ from, to, file, prefix }) {
  let lines = '';
  for (let i = from; i < to; i++) {
    const id = `${prefix}-${String(i).padStart(7, '0')}`;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = await buildCsr({ subject: parseNameString(`serialNumber=${id}`) }, softwareSigner(privateKey));
    lines += `${JSON.stringify({ deviceId: id, csr: toPem('CERTIFICATE REQUEST', csr), line: '7', firmware: '2.4.1' })}\n`;
    if (lines.length > 1 << 20) { appendFileSync(file, lines); lines = ''; }
  }
  appendFileSync(file, lines);
}

/** Operations per second of `op` over `ms`; `op` is async and run 64 at a time (WebCrypto imports are async). */
async function rate(op, ms) {
  let n = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  while (performance.now() < end) { await Promise.all(Array.from({ length: 64 }, (_, k) => op(n + k))); n += 64; }
  return n / ((performance.now() - start) / 1000);
}

/** The ceiling's parts on this thread: sign; verify with a fresh WebCrypto raw import per CSR (what a batch pays); verify with a parsed key. */
async function ceiling({ ms, csrs }) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const tbs = Buffer.alloc(520, 7); // a device TBS of the batch is about 520 bytes
  const parsed = csrs.map((der) => parseCsr(der));
  const keys = await Promise.all(parsed.map(async (c) => KeyObject.from(await webcrypto.subtle.importKey('raw', c.publicKey.subjectPublicKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']))));
  const at = (i) => parsed[i % parsed.length];
  const signRate = await rate(async () => sign('sha256', tbs, privateKey), ms);
  const importVerifyRate = await rate(async (i) => {
    const c = at(i);
    const key = KeyObject.from(await webcrypto.subtle.importKey('raw', c.publicKey.subjectPublicKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']));
    if (!verify('sha256', c.info, key, c.signature)) throw new Error('a CSR does not verify');
  }, ms);
  const parsedVerifyRate = await rate(async (i) => { if (!verify('sha256', at(i).info, keys[i % keys.length], at(i).signature)) throw new Error('no'); }, ms);
  return { signRate, importVerifyRate, parsedVerifyRate };
}

const task = workerData;
const result = task.kind === 'csrs' ? await makeCsrs(task) : await ceiling(task);
parentPort.postMessage(result ?? null);
