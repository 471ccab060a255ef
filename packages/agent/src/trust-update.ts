/**
 * Trust bundle updates (decision 005): GET the bundle over a connection validated against
 * the current store, then verifyTrustBundle decides. The transport proves nothing about the
 * bundle; its CMS signature by a current anchor does, so a bundle that is unsigned, signed
 * by anyone else, or not newer than the store is refused with core's code and changes nothing.
 */
import { verifyTrustBundle, type TrustStore, TRUST_BUNDLE_MAX_BYTES } from '@fleetpki/core';
import { exchange } from './est-client.js';
import type { ClientIdentity } from './tls-connect.js';

export interface BundleOutcome {
  readonly applied: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly sequence?: number;
  readonly store?: TrustStore;
}

export async function fetchTrustBundle(url: string, trust: TrustStore, now: Date, identity: ClientIdentity | null, timeoutMs: number): Promise<BundleOutcome> {
  const u = new URL(url);
  let body: Buffer;
  try {
    const a = await exchange(u, 'GET', `${u.pathname}${u.search}`, { trust, now, identity }, timeoutMs);
    if (a.status === 404) return { applied: false, code: 'BUNDLE_NONE', message: 'the server has no bundle' };
    if (a.status !== 200) return { applied: false, code: 'BUNDLE_FETCH_FAILED', message: `HTTP ${a.status}` };
    body = a.body;
  } catch (e) {
    return { applied: false, code: 'BUNDLE_FETCH_FAILED', message: (e as Error).message };
  }
  if (body.length > TRUST_BUNDLE_MAX_BYTES) return { applied: false, code: 'BUNDLE_MALFORMED', message: 'too large' };
  const r = verifyTrustBundle(trust, body, now);
  if (!r.ok) return { applied: false, code: r.code, message: r.message, ...(r.bundle ? { sequence: r.bundle.bundleSequence } : {}) };
  return { applied: true, sequence: r.bundle.bundleSequence, store: r.store };
}
