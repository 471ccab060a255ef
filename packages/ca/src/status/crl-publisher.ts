/**
 * CRLs per CA (RFC 5280 section 5), signed by the CA that signed the certificates:
 *   1. the issuer, online (an offline root's CRL comes from its ceremony)
 *   2. the next CRL number: one monotonic sequence per CA for full and delta CRLs (5.2.3)
 *   3. the entries, encoded page by page as the store yields them: every revoked
 *      certificate not yet expired (full), or the changes since the latest full CRL with
 *      lifted holds as removeFromCRL (delta, 5.2.4)
 *   4. sign, keep as the latest, audit
 * A full CRL names its delta in Freshest CRL (5.2.6). With shards, each CRL lists one
 * shard and names its own URL in a critical Issuing Distribution Point (5.2.5).
 */
import { buildCrl, concatEncodedEntries, type CrlEntry, type EncodedEntries, encodeEntries } from '@fleetpki/core';
import type { CaDeps } from '../context.js';
import type { CrlKind, CrlRecord, RevokedListOptions } from '../ports/revocation-store.js';
import { SYSTEM_ACTOR } from '../auth/permissions.js';
import { successEvent } from '../audit/audit-log.js';
import type { IssuerRegistry } from '../issue/issuer-registry.js';
import { crlUrl } from '../issue/status-urls.js';

/**
 * A delta lists changes since a little before its base's thisUpdate: a revocation dated
 * just before the base was built but committed after the base was read must not fall
 * between the two. Listing a change twice (in the base and the delta) is harmless.
 */
const DELTA_OVERLAP_MS = 5 * 60_000;

export interface CrlSettings {
  readonly fullValiditySeconds: number;
  readonly deltaValiditySeconds: number;
}

/** What a delta needs of its base: the number and thisUpdate, not its (maybe 50 MB) DER. */
type CrlBase = Pick<CrlRecord, 'crlNumber' | 'thisUpdate'>;

export class CrlPublisher {
  /** The latest full CRL of each (CA, shard) this process published or read. */
  readonly #bases = new Map<string, CrlBase>();

  constructor(private readonly deps: CaDeps, private readonly issuers: IssuerRegistry, private readonly settings: CrlSettings) {}

  get shards(): number { return this.deps.settings.crlShards ?? 1; }

  /** The CRL to serve: the latest published of `kind` for the shard (0 when not sharded). */
  latest(caName: string, shard: number, kind: CrlKind): Promise<CrlRecord | null> {
    return this.deps.store.latestCrl(caName, shard, kind);
  }

  /** Online CAs whose CRLs this deployment publishes (an offline root's come from its ceremony). */
  async publishingCas(): Promise<string[]> {
    return (await this.deps.store.listCas()).filter((c) => c.status === 'active' && c.key !== null && c.role !== 'root').map((c) => c.name);
  }

  async #fullEntries(caName: string, options: RevokedListOptions): Promise<EncodedEntries> {
    const pages: EncodedEntries[] = [];
    for await (const batch of this.deps.store.listRevoked(caName, options)) pages.push(encodeEntries(batch, false));
    return concatEncodedEntries(pages);
  }

  async #deltaEntries(caName: string, since: Date, options: RevokedListOptions): Promise<EncodedEntries> {
    const changes = await this.deps.store.revocationChangesSince(caName, since, options);
    const entries: CrlEntry[] = changes.map((c) => (c.change === 'released'
      ? { serial: c.serial, revocationDate: c.revocationDate, reason: 'removeFromCRL', invalidityDate: null }
      : { serial: c.serial, revocationDate: c.revocationDate, reason: c.reason, invalidityDate: c.invalidityDate }));
    return encodeEntries(entries, true);
  }

  async #base(caName: string, shard: number): Promise<CrlBase> {
    const key = `${caName}\u0000${shard}`;
    const known = this.#bases.get(key);
    if (known) return known;
    const stored = (await this.deps.store.latestCrl(caName, shard, 'full')) ?? (await this.publish(caName, 'full', shard));
    const base = { crlNumber: stored.crlNumber, thisUpdate: stored.thisUpdate };
    this.#bases.set(key, base);
    return base;
  }

  /** Publishes the CRL of `kind` for one shard (0 when not sharded); a delta first needs a full base. */
  async publish(caName: string, kind: CrlKind, shard = 0): Promise<CrlRecord> {
    // 1. issuer
    const issuer = await this.issuers.get(caName);
    const base = kind === 'delta' ? await this.#base(caName, shard) : null;
    // 2. number
    const crlNumber = await this.deps.store.nextCrlNumber(caName);
    const now = this.deps.clock.now();
    // 3. entries
    // RFC 5280 5.1.2.6: an entry may leave only after one scheduled CRL issued beyond the
    // certificate's validity lists it; keeping it one full CRL period past notAfter does that.
    const keepSince = new Date(now.getTime() - this.settings.fullValiditySeconds * 1000);
    const options: RevokedListOptions = { notExpiredAt: keepSince, ...(this.shards > 1 ? { shard } : {}) };
    const entries = base ? await this.#deltaEntries(caName, new Date(base.thisUpdate.getTime() - DELTA_OVERLAP_MS), options) : await this.#fullEntries(caName, options);
    const shardName = this.shards > 1 ? shard : null;
    const nextUpdate = new Date(now.getTime() + (kind === 'full' ? this.settings.fullValiditySeconds : this.settings.deltaValiditySeconds) * 1000);
    const der = await buildCrl({
      issuer: { subjectDer: issuer.context.subjectDer, keyId: issuer.context.keyId! }, thisUpdate: now, nextUpdate,
      crlNumber: BigInt(crlNumber), entries,
      ...(base ? { baseCrlNumber: BigInt(base.crlNumber) } : { freshestCrl: crlUrl(this.deps.settings.publicUrl, caName, shardName, 'delta') }),
      ...(shardName !== null ? { issuingDistributionPoint: { uri: crlUrl(this.deps.settings.publicUrl, caName, shardName, kind) } } : {}),
    }, issuer.signer);
    // 4. keep, audit
    const record: CrlRecord = { caName, shard, kind, crlNumber, baseCrlNumber: base?.crlNumber ?? null, thisUpdate: now, nextUpdate, der };
    const saved = await this.deps.store.saveCrl(record);
    // Another process may have published a newer full CRL meanwhile: then read it next time.
    if (kind === 'full') {
      const key = `${caName}\u0000${shard}`;
      if (saved === 'saved') this.#bases.set(key, { crlNumber, thisUpdate: now }); else this.#bases.delete(key);
    }
    await this.deps.store.appendAudit([successEvent(now, SYSTEM_ACTOR, 'crl.publish', caName, { kind, shard, crlNumber, entries: entries.count })]);
    return record;
  }
}
