/**
 * The connect flow (DESIGN.md "Connect"), run for every new TLS connection, resumed or not:
 *   1. a client certificate was presented
 *   2. path validation with core's verifyPath against the anchors (RFC 5280 6)
 *   3. revocation status: our CAs from the local deny-list (and the registry must know the
 *      serial); CAs we do not run from OCSP / CRL
 *   4. the device identity: device URI SAN, else the registry's device id
 *   5. the device's attributes and the `connect` rules
 *   6. the grants (topics, routes) the access patterns give this device
 * It answers with the admitted identity or one refusal with a stable code; it never throws
 * for a device's fault, and a store outage is GATEWAY_UNAVAILABLE.
 */
import {
  evaluateRule, firstFailingRule, grantsFor as fillGrants, verifyPath,
  type Certificate, type DeviceGrants, type RuleContext, type VerifyPathResult,
} from '@fleetpki/core';
import type { AttributeCache, Attributes } from './attribute-cache.js';
import type { GatewayConfig } from './config.js';
import type { DenyList } from './deny-list.js';
import type { ForeignStatusChecker } from './foreign-status.js';
import { deviceIdOf, subjectRecord } from './identity.js';
import { refusal, type Refusal } from './refusals.js';
import type { CertificateRegistry } from './registry.js';
import type { TrustMaterial } from './trust.js';

/** What the TLS layer saw; the presented chain is read only when the known intermediates do not suffice. */
export interface Peer {
  readonly leafDer: Uint8Array | null;
  readonly presentedChain: () => readonly Uint8Array[];
}

export interface Admitted {
  readonly ok: true;
  readonly deviceId: string;
  /** The leaf's serial, and every serial of the path but the anchor's (all deny-listed alike). */
  readonly serial: string;
  readonly pathSerials: readonly string[];
  /** Our CA that issued the leaf, or null for a CA we do not run. */
  readonly caName: string | null;
  /** The validated path of a certificate of a CA we do not run (its status is asked again while it is live); null for ours. */
  readonly foreignPath: readonly Certificate[] | null;
  readonly subject: Readonly<Record<string, string>>;
  readonly profile: string | null;
  readonly ctx: RuleContext;
  readonly grants: DeviceGrants;
}
export type AdmissionResult = Admitted | { readonly ok: false; readonly refusal: Refusal; readonly serial: string | null; readonly deviceId: string | null };

export interface AdmissionDeps {
  readonly config: Pick<GatewayConfig, 'rules' | 'policies' | 'revocation'>;
  readonly trust: () => TrustMaterial;
  readonly denyList: DenyList;
  readonly registry: CertificateRegistry;
  readonly foreign: ForeignStatusChecker;
  readonly attributes: AttributeCache;
  readonly now: () => Date;
}

type Step<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };
const refused = (r: Refusal): { ok: false; refusal: Refusal } => ({ ok: false, refusal: r });

export class Admission {
  constructor(private readonly d: AdmissionDeps) {}

  async admit(peer: Peer): Promise<AdmissionResult> {
    let serial: string | null = null;
    let deviceId: string | null = null;
    try {
      // 1. a certificate
      if (!peer.leafDer || peer.leafDer.length === 0) return { ok: false, refusal: refusal('GATEWAY_CERT_MISSING'), serial, deviceId };
      // 2. path validation
      const now = this.d.now();
      const path = this.#validate(peer, now);
      if (!path.ok) return { ok: false, refusal: refusal('GATEWAY_CERT_INVALID', { pathCode: path.code }), serial, deviceId };
      const leaf = path.path[0]!;
      serial = leaf.serial;
      // 3. revocation, and 4. the identity (the registry answers both for our CAs)
      const id = await this.#revocationAndIdentity(path.path, now);
      if (!id.ok) return { ok: false, refusal: id.refusal, serial, deviceId };
      deviceId = id.value.deviceId;
      // 5. attributes and connect rules
      const attributes = await this.d.attributes.get(deviceId);
      const base = {
        deviceId, serial, pathSerials: path.path.slice(0, -1).map((c) => c.serial), caName: id.value.caName,
        foreignPath: id.value.caName === null ? path.path : null, subject: subjectRecord(leaf), profile: id.value.profile,
      };
      const ctx = this.context(base, attributes);
      const failing = firstFailingRule(this.d.config.rules.connect, ctx);
      if (failing) return { ok: false, refusal: refusal('GATEWAY_RULE_FAILED', { rule: failing.name }), serial, deviceId };
      // 6. grants
      return { ok: true, ...base, ctx, grants: this.grants(ctx) };
    } catch (e) {
      return { ok: false, refusal: refusal('GATEWAY_UNAVAILABLE', { reason: e instanceof Error ? e.message : String(e) }), serial, deviceId };
    }
  }

  /**
   * Known intermediates first (a leaf alone suffices, and node's peer chain is not read);
   * on failure, again with the chain the device presented, which may hold a CA we do not
   * know, or the right one of two CAs with the same name.
   */
  #validate(peer: Peer, now: Date): VerifyPathResult {
    const trust = this.d.trust();
    const input = { leaf: peer.leafDer!, anchors: trust.anchors, now, usage: 'clientAuth' as const };
    const first = verifyPath({ ...input, intermediates: trust.intermediates });
    if (first.ok) return first;
    const presented = peer.presentedChain().slice(1);
    return presented.length === 0 ? first : verifyPath({ ...input, intermediates: [...presented, ...trust.intermediates] });
  }

  async #revocationAndIdentity(path: readonly Certificate[], now: Date): Promise<Step<{ deviceId: string; caName: string | null; profile: string | null }>> {
    const leaf = path[0]!;
    const caName = path.length > 1 ? this.d.trust().ourCa(path[1]!) : null;
    if (caName === null) {
      const status = await this.d.foreign.status(path, this.d.trust().anchors, now);
      if (status === 'revoked') return refused(refusal('GATEWAY_CERT_REVOKED'));
      if (status === 'unknown' && this.d.config.revocation.failClosed) return refused(refusal('GATEWAY_REVOCATION_UNKNOWN'));
      const deviceId = deviceIdOf(leaf);
      return deviceId ? { ok: true, value: { deviceId, caName, profile: null } } : refused(refusal('GATEWAY_DEVICE_UNKNOWN'));
    }
    if (path.slice(0, -1).some((c) => this.d.denyList.has(c.serial))) return refused(refusal('GATEWAY_CERT_REVOKED'));
    const entry = await this.d.registry.get(leaf.serial);
    if (!entry) return refused(refusal('GATEWAY_CERT_UNKNOWN'));
    const deviceId = deviceIdOf(leaf) ?? entry.deviceId;
    return deviceId ? { ok: true, value: { deviceId, caName, profile: entry.profile } } : refused(refusal('GATEWAY_DEVICE_UNKNOWN'));
  }

  /** A live connection of a CA we do not run: still good by its OCSP / CRL? (cached answers; null when it may stay). */
  async recheckForeign(a: Pick<Admitted, 'foreignPath'>): Promise<Refusal | null> {
    if (!a.foreignPath) return null;
    const status = await this.d.foreign.status(a.foreignPath, this.d.trust().anchors, this.d.now());
    return status === 'revoked' ? refusal('GATEWAY_CERT_REVOKED') : null;
  }

  /** What rules and access patterns see for this connection. */
  context(a: Pick<Admitted, 'deviceId' | 'serial' | 'caName' | 'subject' | 'profile'>, attributes: Attributes): RuleContext {
    return Object.freeze({
      device: Object.freeze({ id: a.deviceId, attributes }),
      cert: Object.freeze({ serial: a.serial, subject: a.subject, issuer: a.caName ?? '', profile: a.profile }),
    });
  }

  /** The union of the grants of every policy that applies to this context. */
  grants(ctx: RuleContext): DeviceGrants {
    const out = { publish: new Set<string>(), subscribe: new Set<string>(), routes: new Set<string>() };
    for (const p of this.d.config.policies) {
      if (p.appliesTo && !evaluateRule(p.appliesTo, ctx)) continue;
      const g = fillGrants(p.policy, ctx);
      for (const k of ['publish', 'subscribe', 'routes'] as const) for (const v of g[k]) out[k].add(v);
    }
    return Object.freeze({ publish: Object.freeze([...out.publish]), subscribe: Object.freeze([...out.subscribe]), routes: Object.freeze([...out.routes]) });
  }

  /**
   * Synchronous re-check of a live (or just admitted) connection against what changed
   * since: the deny-list and the connect rules with `attributes`. Null when it may stay.
   */
  recheck(a: Pick<Admitted, 'pathSerials' | 'caName' | 'ctx'>, attributes: Attributes | undefined): Refusal | null {
    if (a.caName !== null && a.pathSerials.some((s) => this.d.denyList.has(s))) return refusal('GATEWAY_CERT_REVOKED');
    const ctx = attributes && attributes !== a.ctx.device.attributes ? { ...a.ctx, device: { ...a.ctx.device, attributes } } : a.ctx;
    const failing = firstFailingRule(this.d.config.rules.connect, ctx);
    return failing ? refusal('GATEWAY_RULE_FAILED', { rule: failing.name }) : null;
  }
}
