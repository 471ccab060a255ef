/**
 * Obtaining a certificate, the one procedure behind first enrollment, renewal and bootstrap
 * fallback. Numbered steps; the commit (step 6) is the only one that changes what the
 * device presents, and it is atomic (identity-store.ts):
 *   1. a key: a new one (rekey, or first enrollment), or the current one
 *   2. a CSR: the bootstrap subject, or the current certificate's subject and SANs
 *      (RFC 7030 4.2.2: a re-enrollment keeps them); kept in pending.json for a 202
 *   3. EST simpleenroll / simplereenroll, authenticated by `auth`
 *   4. the chain: the intermediates held, or cacerts when the issuer changed
 *   5. the new certificate must validate to our anchors and hold our key
 *   6. commit, clear pending, prune older generations
 */
import { buildCsr, parseCertificate, parseNameString, verifyPath, type Certificate, type TrustStore } from '@fleetpki/core';
import type { AgentConfig } from './config.js';
import { AgentError } from './errors.js';
import type { BasicCredentials, EstClient } from './est-client.js';
import type { Identity, IdentitySource, IdentityStore } from './identity-store.js';
import type { KeyHandle } from './ports.js';
import type { PendingEnrollment, StateFiles } from './state-files.js';
import type { ClientIdentity } from './tls-connect.js';

export interface ObtainRequest {
  readonly operation: 'simpleenroll' | 'simplereenroll';
  readonly source: IdentitySource;
  /** The TLS client identity that authenticates the request, if any. */
  readonly tls: ClientIdentity | null;
  readonly basic?: BasicCredentials;
  /** The certificate whose subject and SANs the CSR keeps (null: first enrollment). */
  readonly keep: Certificate | null;
  /** Subject of a first enrollment. */
  readonly subject: string;
}

export interface ObtainDeps {
  readonly config: AgentConfig;
  readonly identities: IdentityStore;
  readonly files: StateFiles;
  readonly est: EstClient;
  readonly trust: TrustStore;
  readonly now: Date;
  readonly onAnchor?: (anchor: Certificate) => void;
}

export type ObtainResult = { readonly kind: 'issued'; readonly identity: Identity } | { readonly kind: 'pending'; readonly retryAfterSeconds: number };

async function prepareRequest(d: ObtainDeps, r: ObtainRequest, current: Identity | null): Promise<{ pending: PendingEnrollment; key: KeyHandle }> {
  const held = d.files.pending();
  if (held && held.operation === r.operation && held.generation > (current?.pointer.generation ?? 0)) {
    const key = d.identities.keys.load(held.keyId);
    if (key) return { pending: held, key };
  }
  const generation = d.identities.nextGeneration();
  const key = d.config.rekey || !current ? d.identities.keys.generate(`op-${generation}`, d.config.keyType) : current.key;
  const fields = r.keep ? { subject: r.keep.subject, subjectAltNames: r.keep.subjectAltNames } : { subject: parseNameString(r.subject) };
  const csr = await buildCsr(fields, key.signer);
  const pending: PendingEnrollment = { generation, keyId: key.id, csr: csr.toString('base64'), operation: r.operation };
  d.files.savePending(pending);
  return { pending, key };
}

async function chainFor(d: ObtainDeps, leaf: Certificate, current: Identity | null, r: ObtainRequest): Promise<Uint8Array[]> {
  const held = current?.chain.slice(1) ?? [];
  const issuer = held[0] ? parseCertificate(held[0]) : null;
  if (issuer && Buffer.from(issuer.subjectDer).equals(leaf.issuerDer)) return [leaf.der, ...held];
  const cas = (await d.est.cacerts({ trust: d.trust, now: d.now, identity: r.tls, ...(d.onAnchor ? { onAnchor: d.onAnchor } : {}) })).map((der) => parseCertificate(der));
  // Intermediates only: the anchors come from the trust store, never from the server.
  return [leaf.der, ...cas.filter((c) => !Buffer.from(c.subjectDer).equals(c.issuerDer)).map((c) => c.der)];
}

function checkIssued(d: ObtainDeps, chain: readonly Uint8Array[], key: KeyHandle): void {
  const leaf = parseCertificate(chain[0]!);
  if (!Buffer.from(leaf.publicKey.spki).equals(key.signer.publicKeyDer)) throw new AgentError('EST_BAD_RESPONSE', 'the issued certificate does not hold our key');
  const v = verifyPath({ leaf: chain[0]!, intermediates: chain.slice(1), anchors: d.trust.anchors(), now: d.now, usage: 'clientAuth' });
  if (!v.ok) throw new AgentError('EST_BAD_RESPONSE', `the issued certificate does not validate: ${v.code}`, { pathCode: v.code });
}

export async function obtain(d: ObtainDeps, r: ObtainRequest): Promise<ObtainResult> {
  const current = d.identities.pointer() ? d.identities.load() : null;
  const { pending, key } = await prepareRequest(d, r, current);
  const answer = await d.est.enroll(r.operation, Buffer.from(pending.csr, 'base64'), { trust: d.trust, now: d.now, identity: r.tls, ...(d.onAnchor ? { onAnchor: d.onAnchor } : {}) }, r.basic);
  if (answer.kind === 'pending') return answer;
  const chain = await chainFor(d, parseCertificate(answer.certificate), current, r);
  checkIssued(d, chain, key);
  const previous = current?.pointer.generation ?? null;
  const identity = d.identities.commit(pending.generation, key, chain, r.source);
  d.files.clearPending();
  d.identities.prune(previous);
  return { kind: 'issued', identity };
}
