/**
 * What both listeners do with a TLS connection, around the protocol:
 *   1. admit: run the connect flow (admission.ts) as soon as the handshake is done, once
 *      per socket (the protocol's first packet waits for it)
 *   2. register: re-check synchronously what may have changed while admission awaited the
 *      store, add the connection to the live index, detect clones, note presence
 *   3. refuse: count, audit (every connection refusal; a live connection's first refusal of
 *      each code), never tell the device more than the code
 */
import type { TLSSocket } from 'node:tls';
import { presentedChain } from '@fleetpki/core';
import type { AdmissionResult, Admission, Admitted } from './admission.js';
import type { AttributeCache } from './attribute-cache.js';
import type { AuditTrail } from './audit.js';
import type { LiveConnection, LiveConnections, Protocol } from './live-connections.js';
import type { GatewayMetrics } from './metrics.js';
import type { PresenceRecorder } from './presence.js';
import { refusal, type Refusal } from './refusals.js';

export interface CloneSettings {
  readonly action: 'alert' | 'refuse' | 'quarantine';
  readonly attribute: string;
  readonly value: string;
}

export interface GatekeeperDeps {
  readonly admission: Admission;
  readonly attributes: AttributeCache;
  readonly live: LiveConnections;
  readonly audit: AuditTrail;
  readonly metrics: GatewayMetrics;
  readonly presence: PresenceRecorder;
  readonly clone: CloneSettings;
  /** Sets the device's quarantine attribute through the CA (audited there, and an outbox row for other nodes). */
  readonly quarantine: (deviceId: string, attribute: string, value: string) => Promise<void>;
  readonly onAlert: (kind: 'clone', detail: Readonly<Record<string, unknown>>) => void;
  readonly now: () => Date;
  readonly onError: (err: unknown) => void;
}

/**
 * Ends a connection now: TLS close_notify and FIN at once (the peer sees a clean close),
 * the socket destroyed a second later if the peer does not close its side.
 */
export function hangUp(socket: TLSSocket): void {
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** The remote address without the IPv4-mapped prefix. */
export const sourceOf = (socket: TLSSocket): string => (socket.remoteAddress ?? '').replace(/^::ffff:/, '');

export class Gatekeeper {
  readonly #admissions = new WeakMap<TLSSocket, Promise<AdmissionResult>>();
  readonly #audited = new WeakMap<LiveConnection, Set<string>>();

  constructor(private readonly d: GatekeeperDeps) {}

  /** 1. The connect flow for this socket; started once, at the end of the handshake. */
  admit(socket: TLSSocket): Promise<AdmissionResult> {
    let p = this.#admissions.get(socket);
    if (!p) {
      // The leaf from node's abbreviated peer certificate (about 140 us; an X509Certificate
      // costs about 220 us); the whole presented chain only when the known intermediates do
      // not validate it. (In node 20 a getPeerX509Certificate() would leave a later
      // getPeerCertificate(true) without its issuer links: decision 007.)
      const leafDer = socket.getPeerCertificate().raw ?? null;
      p = this.d.admission.admit({ leafDer, presentedChain: () => presentedChain(socket.getPeerCertificate(true)) });
      this.#admissions.set(socket, p);
    }
    return p;
  }

  /** 2. Makes an admitted connection live, or refuses it (a change meanwhile, a clone). */
  register(socket: TLSSocket, protocol: Protocol, admitted: Admitted, close: (why: Refusal) => void): LiveConnection | Refusal {
    const source = sourceOf(socket);
    const changed = this.d.admission.recheck(admitted, this.d.attributes.peek(admitted.deviceId));
    if (changed) return changed;
    const c = this.d.live.add({ protocol, source, admitted, close });
    const clones = this.d.live.clonesOf(c);
    if (clones.length > 0 && this.#clone(c, clones)) return refusal('GATEWAY_CLONE');
    this.d.metrics.connections.inc({ protocol, resumed: String(socket.isSessionReused()) });
    this.d.presence.seen(admitted.deviceId, admitted.serial, source, this.d.now());
    socket.once('close', () => this.unregister(c));
    return c;
  }

  unregister(c: LiveConnection): void {
    c.closed = true;
    this.d.live.remove(c);
  }

  /** True when the new connection is refused (action refuse or quarantine). */
  #clone(c: LiveConnection, clones: readonly LiveConnection[]): boolean {
    const { action, attribute, value } = this.d.clone;
    const detail = { action, sources: [c.source, ...clones.map((o) => o.source)] };
    this.d.metrics.alerts.inc({ kind: 'clone' });
    this.d.audit.alert('gateway.clone', 'GATEWAY_CLONE', detail, { protocol: c.protocol, source: c.source, serial: c.admitted.serial, deviceId: c.admitted.deviceId });
    this.d.onAlert('clone', { ...detail, deviceId: c.admitted.deviceId, serial: c.admitted.serial });
    if (action === 'alert') return false;
    this.d.live.remove(c);
    c.closed = true;
    if (action === 'quarantine') {
      for (const o of clones) { this.unregister(o); o.closedBy = refusal('GATEWAY_CLONE'); o.close(o.closedBy); }
      this.d.quarantine(c.admitted.deviceId, attribute, value).catch(this.d.onError);
    }
    return true;
  }

  /** 3. A refused connection (before it became live): counted and audited. */
  refuseConnection(protocol: Protocol, socket: TLSSocket, r: AdmissionResult & { ok: false } | { refusal: Refusal; serial: string | null; deviceId: string | null }): void {
    this.d.metrics.refused(protocol, r.refusal.code);
    this.d.audit.refusal('gateway.connect', r.refusal, { protocol, source: sourceOf(socket), serial: r.serial, deviceId: r.deviceId });
  }

  /** 3. A refused message or subscription of a live connection: counted; audited once per code. */
  refuseMessage(c: LiveConnection, action: string, r: Refusal): void {
    this.d.metrics.refused(c.protocol, r.code);
    let seen = this.#audited.get(c);
    if (!seen) this.#audited.set(c, seen = new Set());
    if (seen.has(`${action}:${r.code}`)) return;
    seen.add(`${action}:${r.code}`);
    this.d.audit.refusal(action, r, { protocol: c.protocol, source: c.source, serial: c.admitted.serial, deviceId: c.admitted.deviceId });
  }
}
