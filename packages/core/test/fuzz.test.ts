/**
 * Mutation fuzzing of the parsers that see device input: every mutated CSR or
 * certificate either parses or fails with a PkiError; nothing else escapes and nothing
 * hangs. Deterministic (seeded), so a failure reproduces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificate, parseCsr, verifyCsr, PkiError } from '../src/index.js';
import { csrFor, testCa } from './helpers.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

function mutate(src: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(src);
  const kind = Math.floor(rnd() * 4);
  const i = Math.floor(rnd() * b.length);
  if (kind === 0) b[i] = Math.floor(rnd() * 256);
  else if (kind === 1) b[i] = b[i]! ^ (1 << Math.floor(rnd() * 8));
  else if (kind === 2) return Buffer.concat([b.subarray(0, i), b.subarray(i + 1 + Math.floor(rnd() * 8))]);
  else return Buffer.concat([b.subarray(0, i), Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), b.subarray(i)]);
  return b;
}

/** Runs fn; a PkiError is counted by code, anything else escapes and fails the test. */
async function survives(fn: () => unknown, codes: Map<string, number>): Promise<void> {
  try {
    await fn();
    codes.set('ok', (codes.get('ok') ?? 0) + 1);
  } catch (e) {
    if (!(e instanceof PkiError)) throw e;
    codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
  }
}

/** The fuzzer reached both sides: some mutants still parse, most are refused as bad DER. */
function assertExercised(codes: Map<string, number>): void {
  assert.ok((codes.get('ok') ?? 0) > 0, `no mutant was accepted: ${JSON.stringify([...codes])}`);
  assert.ok((codes.get('BAD_DER') ?? 0) > 1000, `too few BAD_DER refusals: ${JSON.stringify([...codes])}`);
}

test('5,000 mutated CSRs: PkiError or success, nothing else', async () => {
  const seed = await csrFor('p256', 'CN=dev-1,O=Acme', [{ type: 'dns', value: 'a.example.com' }, { type: 'uri', value: 'device://d.example/1' }]);
  const rnd = prng(0xf1ee7);
  const codes = new Map<string, number>();
  for (let n = 0; n < 5000; n++) {
    const m = mutate(seed, rnd);
    await survives(() => verifyCsr(parseCsr(m)), codes);
  }
  assertExercised(codes);
});

test('5,000 mutated certificates: PkiError or success, nothing else', async () => {
  const { der } = await testCa({ nameConstraints: { permitted: [{ type: 'dns', value: 'x.example' }], excluded: [] } });
  const rnd = prng(0xc0ffee);
  const codes = new Map<string, number>();
  for (let n = 0; n < 5000; n++) await survives(() => parseCertificate(mutate(der, rnd)), codes);
  assertExercised(codes);
});
