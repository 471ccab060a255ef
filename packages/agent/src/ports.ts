/**
 * The ports of the agent: where keys live, what time it is, where randomness comes from.
 * The file key store is the first adapter; PKCS#11 and TPM fit behind KeyStore because
 * nothing outside it ever sees key bytes, only a Signer and what TLS needs.
 */
import type { Signer } from '@fleetpki/core';

export type AgentKeyType = 'ecdsa-p256' | 'ecdsa-p384';

/** A key held by a KeyStore. */
export interface KeyHandle {
  readonly id: string;
  /** Signs CSRs; the key itself stays in the store. */
  readonly signer: Signer;
  /** What node:tls needs to present the key (a PEM for the file store). */
  readonly tlsKey: string;
}

export interface KeyStore {
  /** Generates a new key on the device under `id`, durable before it returns. */
  generate(id: string, type: AgentKeyType): KeyHandle;
  /** The key `id`, or null when there is none. */
  load(id: string): KeyHandle | null;
  /** Forgets `id` (a retired generation's key). */
  remove(id: string): void;
  /** Ids of the keys held, for clean-up. */
  list(): string[];
}

export interface Clock {
  now(): Date;
  /** Resolves after `ms` (an injected clock may just advance). */
  sleep(ms: number): Promise<void>;
}

/** A uniform number in [0, 1), for jitter. */
export type Random = () => number;

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
