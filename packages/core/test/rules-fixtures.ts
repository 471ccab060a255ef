/** Contexts and a seeded PRNG for the rules tests. */
import type { RuleContext } from '../src/index.js';

export interface CtxFields {
  readonly id?: string | null;
  readonly attributes?: Record<string, string>;
  readonly serial?: string;
  readonly subject?: Record<string, string>;
  readonly issuer?: string;
  readonly profile?: string | null;
}

/** A device d-1 with an operational certificate; every field can be replaced. */
export function ctx(f: CtxFields = {}): RuleContext {
  return {
    device: { id: f.id === undefined ? 'd-1' : f.id, attributes: f.attributes ?? {} },
    cert: {
      serial: f.serial ?? '4a0f31',
      subject: f.subject ?? { CN: 'd-1', O: 'Acme' },
      issuer: f.issuer ?? 'issuing-ca-1',
      profile: f.profile === undefined ? 'operational-device' : f.profile,
    },
  };
}

/** xorshift32: the tests' randomness is fixed by the seed, so a failure reproduces. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
}

export const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
