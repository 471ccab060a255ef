/**
 * The agent: one tick() does what is due and says when to come back; run() loops over
 * ticks on the Clock port (so tests drive years in seconds). Each tick:
 *   1. read the trust store and the identity; refuse an implausible clock (time-guard.ts)
 *   2. a revoked identity: report, present nothing, do nothing else
 *   3. no identity: first enrollment with the bootstrap certificate or secret
 *   4. expired: bootstrap fallback when allowed, else re-enroll with it (the CA decides)
 *   5. due (renewalAt, with jitter): simplereenroll with the current certificate
 *   6. every checkIntervalSeconds: OCSP for our own certificate, then trust bundles
 * A failure is recorded with its code and retried with capped exponential backoff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPemAll, parseCertificate, subjectString, type Certificate, type TrustStore } from '@fleetpki/core';
import type { AgentConfig } from './config.js';
import { AgentError, isAgentError } from './errors.js';
import { EstClient } from './est-client.js';
import { FileKeyStore } from './file-key-store.js';
import { runHook } from './hooks.js';
import { type Identity, IdentityStore } from './identity-store.js';
import { silentLogger, type Logger } from './log.js';
import { checkOwnStatus } from './ocsp-check.js';
import { obtain, type ObtainRequest, type ObtainResult } from './obtain.js';
import { type Clock, type KeyStore, type Random, systemClock } from './ports.js';
import { backoffMs, renewalTime } from './schedule.js';
import { StateFiles } from './state-files.js';
import { AGENT_BUILD_TIME, clockProblem } from './time-guard.js';
import { fetchTrustBundle } from './trust-update.js';
import { type AgentStatus, statusOf } from './status.js';

export interface AgentDeps {
  readonly config: AgentConfig;
  readonly clock?: Clock;
  readonly random?: Random;
  readonly keys?: KeyStore;
  readonly log?: Logger;
  readonly buildTime?: Date;
}

/** What tick() did. */
export type TickAction = 'enrolled' | 'renewed' | 'fallback' | 'pending' | 'idle' | 'failed' | 'revoked';
export interface TickResult { readonly action: TickAction; readonly nextAt: Date; readonly error?: AgentError }

/** What survives restarts besides the identity (kept in status.json). */
interface Memory {
  renewalAt: string | null;
  renewalFor: string | null;
  failures: number;
  lastError: AgentStatus['lastError'];
  lastCheckAt: string | null;
  lastOcsp: AgentStatus['lastOcsp'];
  lastRenewalAt: string | null;
  lastBundle: AgentStatus['lastBundle'];
}

const FRESH: Memory = { renewalAt: null, renewalFor: null, failures: 0, lastError: null, lastCheckAt: null, lastOcsp: null, lastRenewalAt: null, lastBundle: null };

export class Agent {
  readonly config: AgentConfig;
  readonly clock: Clock;
  readonly identities: IdentityStore;
  readonly files: StateFiles;
  private readonly random: Random;
  private readonly log: Logger;
  private readonly buildTime: Date;
  private readonly est: EstClient;
  private memory: Memory;

  constructor(deps: AgentDeps) {
    this.config = deps.config;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.log = deps.log ?? silentLogger;
    this.buildTime = deps.buildTime ?? AGENT_BUILD_TIME;
    this.files = new StateFiles(this.config.stateDir);
    this.identities = new IdentityStore(this.config.stateDir, deps.keys ?? new FileKeyStore(join(this.config.stateDir, 'keys')));
    this.est = new EstClient({ url: this.config.estUrl, label: this.config.label, timeoutMs: this.config.timeoutMs });
    this.memory = { ...FRESH, ...(this.files.readStatus<{ memory?: Memory }>()?.memory ?? {}) };
  }

  trust(): TrustStore {
    return this.files.trust(this.config.trustAnchorsFile ? readFileSync(this.config.trustAnchorsFile, 'utf8') : null);
  }

  /** The identity to present, or null (none yet, or revoked). */
  current(): Identity | null {
    const id = this.identities.pointer() ? this.identities.load() : null;
    return id && !id.pointer.revokedAt ? id : null;
  }

  async tick(): Promise<TickResult> {
    const now = this.clock.now();
    let result: TickResult;
    try {
      result = await this.step(now);
      if (result.action !== 'pending' && result.action !== 'revoked') { this.memory.failures = 0; this.memory.lastError = null; }
    } catch (e) {
      result = this.failed(now, e);
    }
    this.saveStatus(now, result.nextAt);
    return result;
  }

  private async step(now: Date): Promise<TickResult> {
    const trust = this.trust();
    const loaded = this.identities.pointer() ? this.identities.load() : null;
    const problem = clockProblem(now, { notBefore: loaded?.certificate.notBefore, lastProducedAt: this.memory.lastOcsp?.producedAt ? new Date(this.memory.lastOcsp.producedAt) : undefined }, this.buildTime);
    if (problem) throw new AgentError('CLOCK_UNTRUSTED', problem);
    if (loaded?.pointer.revokedAt) {
      this.memory.lastError = { code: 'CERTIFICATE_REVOKED', message: `certificate ${loaded.pointer.serial} is revoked`, at: loaded.pointer.revokedAt };
      return { action: 'revoked', nextAt: new Date(now.getTime() + this.config.checkIntervalSeconds * 1000) };
    }
    if (!loaded) return this.finish(now, await this.obtain(now, trust, this.firstEnrollment()), 'enrolled');
    if (now > loaded.certificate.notAfter) return this.finish(now, await this.obtain(now, trust, this.expiredRequest(loaded)), 'fallback');
    if (now >= this.renewalAt(loaded)) return this.finish(now, await this.obtain(now, trust, this.renewal(loaded)), 'renewed');
    if (this.checkDue(now)) await this.checks(now, trust, loaded);
    const stillCurrent = this.current();
    if (!stillCurrent) return { action: 'revoked', nextAt: new Date(now.getTime() + this.config.checkIntervalSeconds * 1000) };
    return { action: 'idle', nextAt: this.nextWake(now, stillCurrent) };
  }

  private async obtain(now: Date, trust: TrustStore, r: ObtainRequest): Promise<ObtainResult> {
    try {
      return await this.obtainOnce(now, trust, r);
    } catch (e) {
      if (!isAgentError(e) || e.code !== 'SERVER_UNTRUSTED' || trust.pins().length === 0) throw e;
      const promoted = await this.promotePinsFromCacerts(now, trust);
      if (promoted === trust) throw e;
      return this.obtainOnce(now, promoted, r);
    }
  }

  /**
   * RFC 7030 4.1.1 bootstrap: a store that holds a root only as a pin cannot validate a
   * server that does not send its root (ours sends the chain below it). So cacerts is read
   * once without validation, and a certificate in it whose hash the store pins is promoted:
   * the pin, not the connection, is what makes it trustworthy.
   */
  private async promotePinsFromCacerts(now: Date, trust: TrustStore): Promise<TrustStore> {
    let next = trust;
    try {
      const certs = await this.est.cacerts({ trust, now, identity: null, unverified: true });
      for (const der of certs) next = next.promote(parseCertificate(der));
    } catch (e) {
      this.log('warn', 'trust.pin_bootstrap_failed', { message: (e as Error).message });
      return trust;
    }
    if (next !== trust) { this.files.saveTrust(next); this.log('info', 'trust.pin_promoted', { via: 'cacerts' }); }
    return next;
  }

  private async obtainOnce(now: Date, trust: TrustStore, r: ObtainRequest): Promise<ObtainResult> {
    this.log('info', 'est.request', { operation: r.operation, source: r.source });
    try {
      return await obtain({ config: this.config, identities: this.identities, files: this.files, est: this.est, trust, now, onAnchor: (a) => this.promote(a) }, r);
    } catch (e) {
      if (isAgentError(e) && e.detail['estCode'] === 'OPERATIONAL_CERTIFICATE_REVOKED') {
        this.identities.markRevoked(now);
        this.log('error', 'identity.revoked', { via: 'est', serial: this.identities.pointer()?.serial });
        throw new AgentError('CERTIFICATE_REVOKED', undefined, e.detail);
      }
      if (isAgentError(e) && e.code === 'EST_REFUSED' && r.source === 'bootstrap-fallback') {
        throw new AgentError('CERTIFICATE_EXPIRED', `expired; the CA refused re-enrollment: ${String(e.detail['estCode'])}`, e.detail);
      }
      throw e;
    }
  }

  private async finish(now: Date, r: ObtainResult, action: TickAction): Promise<TickResult> {
    if (r.kind === 'pending') {
      this.memory.lastError = { code: 'EST_PENDING', message: `pending; retry after ${r.retryAfterSeconds} s`, at: now.toISOString() };
      this.log('warn', 'est.pending', { retryAfterSeconds: r.retryAfterSeconds });
      return { action: 'pending', nextAt: new Date(now.getTime() + r.retryAfterSeconds * 1000) };
    }
    const c = r.identity.certificate;
    this.memory.lastRenewalAt = now.toISOString();
    this.memory.renewalFor = null;
    const at = this.renewalAt(r.identity);
    this.log('info', `identity.${action}`, { serial: c.serial, notAfter: c.notAfter.toISOString(), renewalAt: at.toISOString(), generation: r.identity.pointer.generation });
    await this.runHooks(r.identity);
    return { action, nextAt: this.nextWake(now, r.identity) };
  }

  private firstEnrollment(): ObtainRequest {
    const b = this.config.bootstrap;
    if (!b) throw new AgentError('NO_BOOTSTRAP');
    if (b.kind === 'secret') {
      const password = readFileSync(b.secretFile, 'utf8').trim();
      return { operation: 'simpleenroll', source: 'enroll', tls: null, basic: { username: b.deviceId, password }, keep: null, subject: this.config.subject ?? `CN=${b.deviceId}` };
    }
    const tls = this.bootstrapTls(b);
    return { operation: 'simpleenroll', source: 'enroll', tls, keep: null, subject: this.config.subject ?? subjectString(parseCertificate(fromPemAll(tls.certPem, ['CERTIFICATE'])[0]!.der)) };
  }

  private bootstrapTls(b: { certFile: string; keyFile: string }): { certPem: string; keyPem: string } {
    return { certPem: readFileSync(b.certFile, 'utf8'), keyPem: readFileSync(b.keyFile, 'utf8') };
  }

  /** Step 4: with fallback, the bootstrap certificate stands in (the group must allow it); else the expired one, which the CA refuses with its code. */
  private expiredRequest(id: Identity): ObtainRequest {
    const b = this.config.bootstrap;
    const tls = this.config.bootstrapFallback && b?.kind === 'certificate' ? this.bootstrapTls(b) : { certPem: id.chainPem, keyPem: id.key.tlsKey };
    return { operation: 'simplereenroll', source: 'bootstrap-fallback', tls, keep: id.certificate, subject: '' };
  }

  private renewal(id: Identity): ObtainRequest {
    return { operation: 'simplereenroll', source: 'reenroll', tls: { certPem: id.chainPem, keyPem: id.key.tlsKey }, keep: id.certificate, subject: '' };
  }

  /**
   * A pinned backup root the server presented, and that validated the chain, becomes a full
   * anchor (TrustStore.promote, decision 005): its name and validity then take part in
   * path validation, and it can sign bundles without carrying its certificate.
   */
  private promote(anchor: Certificate): void {
    const trust = this.trust();
    const next = trust.promote(anchor);
    if (next === trust) return;
    this.files.saveTrust(next);
    this.log('info', 'trust.pin_promoted', { subject: subjectString(anchor) });
  }

  /** `fleetpki-agent renew`: the next tick renews whatever the schedule says. */
  forceRenewal(): void {
    const p = this.identities.pointer();
    if (p) { this.memory.renewalFor = p.serial; this.memory.renewalAt = new Date(0).toISOString(); }
  }

  /** The renewal instant of `id`, drawn once per certificate (the jitter survives restarts). */
  renewalAt(id: Identity): Date {
    if (this.memory.renewalFor !== id.pointer.serial || !this.memory.renewalAt) {
      this.memory.renewalAt = renewalTime(id.certificate.notBefore, id.certificate.notAfter, this.config, this.random).toISOString();
      this.memory.renewalFor = id.pointer.serial;
    }
    return new Date(this.memory.renewalAt);
  }

  private checkDue(now: Date): boolean {
    const last = this.memory.lastCheckAt ? Date.parse(this.memory.lastCheckAt) : 0;
    return now.getTime() - last >= this.config.checkIntervalSeconds * 1000 || now.getTime() < last;
  }

  private nextWake(now: Date, id: Identity): Date {
    const check = (this.memory.lastCheckAt ? Date.parse(this.memory.lastCheckAt) : now.getTime()) + this.config.checkIntervalSeconds * 1000;
    return new Date(Math.max(now.getTime(), Math.min(this.renewalAt(id).getTime(), check)));
  }

  /** Step 6. A failed check is logged and retried at the next interval; it never blocks renewal. */
  private async checks(now: Date, trust: TrustStore, id: Identity): Promise<void> {
    this.memory.lastCheckAt = now.toISOString();
    if (this.config.ocsp) {
      const s = await checkOwnStatus(id.chain, trust, now, this.config.timeoutMs);
      this.memory.lastOcsp = { ...s, checkedAt: now.toISOString(), ...('producedAt' in s ? { producedAt: s.producedAt.toISOString() } : {}) } as AgentStatus['lastOcsp'];
      if (s.status === 'revoked') {
        this.identities.markRevoked(now);
        this.memory.lastError = { code: 'CERTIFICATE_REVOKED', message: `certificate ${id.pointer.serial} is revoked (OCSP)`, at: now.toISOString() };
        this.log('error', 'identity.revoked', { via: 'ocsp', serial: id.pointer.serial });
        return;
      }
    }
    if (this.config.trustBundleUrl) {
      const r = await fetchTrustBundle(this.config.trustBundleUrl, trust, now, { certPem: id.chainPem, keyPem: id.key.tlsKey }, this.config.timeoutMs);
      this.memory.lastBundle = { ...r, at: now.toISOString() };
      if (r.applied) { this.files.saveTrust(r.store!); this.log('info', 'trust.updated', { sequence: r.sequence }); }
      else if (r.code) this.log(r.code === 'BUNDLE_STALE' ? 'info' : 'warn', 'trust.bundle_refused', { code: r.code, message: r.message });
      delete (this.memory.lastBundle as { store?: unknown }).store;
    }
  }

  private async runHooks(id: Identity): Promise<void> {
    const env = { FLEETPKI_AGENT_CERT: join(this.config.stateDir, 'generations', String(id.pointer.generation), 'chain.pem'), FLEETPKI_AGENT_SERIAL: id.pointer.serial };
    for (const h of this.config.hooks) {
      const r = await runHook(h, env, this.config.timeoutMs);
      this.log(r.ok ? 'info' : 'warn', 'hook.run', { hook: h.kind, ok: r.ok, detail: r.detail });
    }
  }

  private failed(now: Date, e: unknown): TickResult {
    const error = isAgentError(e) ? e : new AgentError('EST_BAD_RESPONSE', (e as Error).message);
    this.memory.failures += 1;
    this.memory.lastError = { code: error.code, message: error.message, at: now.toISOString(), ...(Object.keys(error.detail).length ? { detail: error.detail } : {}) };
    const retry = typeof error.detail['retryAfterSeconds'] === 'number' ? error.detail['retryAfterSeconds'] * 1000 : 0;
    const delay = Math.max(retry, backoffMs(this.memory.failures, this.config.backoff, this.random));
    this.log('error', 'agent.error', { code: error.code, message: error.message, failures: this.memory.failures, retryInMs: delay });
    const action: TickAction = error.code === 'CERTIFICATE_REVOKED' ? 'revoked' : 'failed';
    return { action, nextAt: new Date(now.getTime() + delay), error };
  }

  status(now: Date = this.clock.now(), nextAt: Date | null = null): AgentStatus {
    let trust: TrustStore | null = null;
    try { trust = this.trust(); } catch { /* reported as null */ }
    const id = this.identities.pointer() ? this.identities.load() : null;
    return statusOf({ now, identity: id, trust, memory: this.memory, nextAt, renewalAt: id && !id.pointer.revokedAt ? this.renewalAt(id) : null });
  }

  private saveStatus(now: Date, nextAt: Date): void {
    this.files.saveStatus({ ...this.status(now, nextAt), memory: this.memory });
  }

  /** The daemon: tick, sleep until the next tick, until `signal` aborts. */
  async run(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      const r = await this.tick();
      // Capped at a day: node timers overflow past 2^31 ms, and a wake-up re-reads the clock.
      await this.clock.sleep(Math.min(86_400_000, Math.max(1000, r.nextAt.getTime() - this.clock.now().getTime())));
    }
  }
}
