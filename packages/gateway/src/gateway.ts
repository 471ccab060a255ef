/**
 * Composition of one gateway node over an open deployment (the same store as `fleetpki
 * serve`, SQLite or PostgreSQL). Steps:
 *   1. trust material (the deployment's CAs, configured anchors and intermediates)
 *   2. the connect flow's parts: deny-list, attribute cache, registry, foreign status
 *   3. enforcement: load the deny-list, follow the outbox and this process's event bus
 *   4. the TLS server certificate (gateway-server profile, issued by our CA) and its staple
 *   5. the broker (also the bus HTTPS messages and alerts are published on), HTTPS ingestion
 *   6. listeners, presence, metrics, the certificate renewal check
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_POLL_MS, DEFAULT_TLS_NAMES, ensureServerCredentials, OcspStapler, type Deployment } from '@fleetpki/server';
import { Admission } from './admission.js';
import { AttributeCache } from './attribute-cache.js';
import { AuditTrail } from './audit.js';
import type { GatewayConfig } from './config.js';
import { DenyList } from './deny-list.js';
import { Enforcement } from './enforcement.js';
import { ForeignStatusChecker, ocspUrlOf } from './foreign-status.js';
import { fetchBytes } from './http-fetch.js';
import { Gatekeeper } from './gatekeeper.js';
import { HttpsIngest } from './https-ingest.js';
import { LiveConnections } from './live-connections.js';
import { MessageGate } from './messages.js';
import { GatewayMetrics } from './metrics.js';
import { createMetricsServer } from './metrics-server.js';
import { MqttBroker } from './mqtt-broker.js';
import { PresenceRecorder } from './presence.js';
import { CertificateRegistry } from './registry.js';
import { SequenceTracker, type SequenceViolation } from './sequence-tracker.js';
import { serverTlsOptions, SessionCache, type Credentials } from './tls-context.js';
import { TrustMaterial, type TrustInputs } from './trust.js';
import type { LiveConnection } from './live-connections.js';

export interface Listen { readonly host: string; readonly port: number }
export interface GatewayListeners { readonly https: Listen | null; readonly mqtt: Listen | null; readonly metrics: Listen | null }

export interface StartGatewayOptions {
  readonly deployment: Deployment;
  readonly config: GatewayConfig;
  readonly listeners: GatewayListeners;
  readonly trust: TrustInputs;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, err?: unknown) => void;
}

export interface GatewayAlert { readonly kind: 'clone' | 'sequence'; readonly detail: Readonly<Record<string, unknown>> }

export interface RunningGateway {
  readonly name: string;
  readonly urls: { readonly https: string | null; readonly mqtt: string | null; readonly metrics: string | null };
  /** Where the TLS server certificate is kept, and whether this start issued it. */
  readonly certificate: { readonly path: string; readonly issued: boolean };
  readonly metrics: GatewayMetrics;
  readonly live: LiveConnections;
  readonly enforcement: Enforcement;
  readonly stapler: OcspStapler | null;
  readonly audit: AuditTrail;
  /** 'alert' events: GatewayAlert. */
  readonly events: EventEmitter;
  close(): Promise<void>;
}

export const RENEWAL_CHECK_MS = 12 * 3600 * 1000;
const urlOf = (scheme: string, s: Server): string => {
  const a = s.address();
  if (!a || typeof a === 'string') return `${scheme}://${a ?? ''}`;
  return `${scheme}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
};

function listen(server: Server, at: Listen): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => { server.off('error', reject); resolve(); });
  });
}

export async function startGateway(o: StartGatewayOptions): Promise<RunningGateway> {
  const { deployment: dep, config } = o;
  const now = (): Date => dep.ca.deps.clock.now();
  const onError = (err: unknown): void => o.log('error', 'gateway', err);
  const events = new EventEmitter();
  const metrics = new GatewayMetrics();
  const actor = `gateway:${config.name}`;
  // 1. trust
  let trust = await TrustMaterial.load(dep.store, o.trust);
  const reloadTrust = async (): Promise<void> => { trust = await TrustMaterial.load(dep.store, o.trust); };
  // 2. the connect flow
  const denyList = new DenyList();
  const attributes = new AttributeCache(dep.store, config.attributeCacheEntries);
  const admission = new Admission({
    config, trust: () => trust, denyList, attributes, now,
    registry: new CertificateRegistry(dep.store, config.attributeCacheEntries),
    foreign: new ForeignStatusChecker({ mode: config.revocation.foreign, timeoutMs: config.revocation.timeoutMs, cacheSeconds: config.revocation.cacheSeconds }),
  });
  const live = new LiveConnections();
  metrics.liveCount = (p) => live.count(p);
  const audit = new AuditTrail(dep.store, actor, now, onError);
  const presence = new PresenceRecorder(dep.store, config.name, config.presenceFlushMs, onError);
  // 3. enforcement
  const enforcement = new Enforcement({ store: dep.store, denyList, attributes, live, admission, metrics, reloadTrust, now, onError });
  await enforcement.start(config.statusPollMs ?? DEFAULT_POLL_MS[dep.config.database.kind]);
  enforcement.recheckForeignEvery(Math.max(30, config.revocation.cacheSeconds) * 1000);
  const unsubscribe = dep.events.subscribe((e) => enforcement.apply(e, null));
  const parts = await startParts(o, { now, onError, events, metrics, actor, admission, attributes, live, audit, presence, trust: () => trust });
  presence.start();
  return {
    name: config.name, urls: parts.urls, certificate: parts.certificate, metrics, live, enforcement, stapler: parts.stapler, audit, events,
    close: async () => {
      unsubscribe();
      await parts.close();
      await enforcement.stop();
      await presence.stop();
      await audit.flush();
    },
  };
}

interface Shared {
  readonly now: () => Date;
  readonly onError: (err: unknown) => void;
  readonly events: EventEmitter;
  readonly metrics: GatewayMetrics;
  readonly actor: string;
  readonly admission: Admission;
  readonly attributes: AttributeCache;
  readonly live: LiveConnections;
  readonly audit: AuditTrail;
  readonly presence: PresenceRecorder;
  readonly trust: () => TrustMaterial;
}

/** Steps 4-6: certificate, staple, servers, listeners. */
async function startParts(o: StartGatewayOptions, s: Shared) {
  const { deployment: dep, config } = o;
  // 4. certificate and staple
  const names = config.tls.names.length > 0 ? config.tls.names : DEFAULT_TLS_NAMES;
  const dir = join(dep.paths.dataDir, 'gateway', config.name);
  const first = await ensureServerCredentials(dep.ca, dir, names, dep.keySeal);
  let credentials: Credentials = first.credentials;
  const stapler = config.tls.stapling ? newStapler(() => credentials.certPem, s) : null;
  await stapler?.start();
  // 5. broker and ingestion
  const tls = (): ReturnType<typeof serverTlsOptions> => serverTlsOptions(credentials, config.tls);
  const gatekeeper = new Gatekeeper({
    ...s, clone: config.clone,
    quarantine: async (deviceId, name, value) => {
      const current = (await dep.store.getDeviceAttributes(deviceId))?.attributes ?? {};
      await dep.ca.setDeviceAttributes({ id: s.actor, role: 'system' }, deviceId, { ...current, [name]: value });
    },
    onAlert: (kind, detail) => alert(kind, detail),
  });
  let publishOnBus: (topic: string, payload: Buffer) => void = () => undefined;
  const alert = (kind: 'clone' | 'sequence', detail: Readonly<Record<string, unknown>>): void => {
    s.events.emit('alert', { kind, detail } satisfies GatewayAlert);
    publishOnBus(`$fleetpki/alerts/${kind}/${String(detail['deviceId'] ?? 'unknown')}`, Buffer.from(JSON.stringify({ kind, gateway: config.name, ...detail })));
  };
  const onViolation = (c: LiveConnection, v: SequenceViolation): void => {
    s.metrics.alerts.inc({ kind: 'sequence' });
    s.audit.alert('gateway.sequence', v.code, { ...v }, { protocol: c.protocol, source: c.source, serial: c.admitted.serial, deviceId: c.admitted.deviceId });
    alert('sequence', { ...v, deviceId: c.admitted.deviceId });
  };
  const gate = new MessageGate({ rules: config.rules, sequences: new SequenceTracker(dep.store, config.sequences, s.now), stationField: config.stationField, onViolation });
  const mqtt = await MqttBroker.create(tls(), {
    gatekeeper, gate, clientIdMustBeDeviceId: config.mqtt.clientId === 'device-id', maxPacketBytes: config.mqtt.maxPacketBytes,
    metrics: s.metrics, presence: s.presence, now: s.now, onError: s.onError,
  });
  publishOnBus = (topic, payload) => mqtt.publish(topic, payload);
  const https = new HttpsIngest(tls(), { gatekeeper, gate, publish: (t, p) => mqtt.publish(t, p), bodyBytes: config.https.bodyBytes, metrics: s.metrics, presence: s.presence, now: s.now, onError: s.onError });
  for (const server of [https.server, mqtt.server]) {
    new SessionCache(config.tls).attach(server);
    stapler?.attach(server);
  }
  // 6. listeners
  const metricsServer = o.listeners.metrics ? createMetricsServer(s.metrics.registry) : null;
  if (o.listeners.https) await listen(https.server, o.listeners.https);
  if (o.listeners.mqtt) await listen(mqtt.server, o.listeners.mqtt);
  if (metricsServer && o.listeners.metrics) await listen(metricsServer, o.listeners.metrics);
  const renewal = setInterval(() => {
    ensureServerCredentials(dep.ca, dir, names, dep.keySeal).then((r) => {
      if (!r.issued) return;
      credentials = r.credentials;
      for (const server of [https.server, mqtt.server]) server.setSecureContext(tls());
      void stapler?.refresh();
      o.log('info', 'gateway TLS server certificate renewed');
    }).catch(s.onError);
  }, RENEWAL_CHECK_MS);
  renewal.unref();
  return {
    stapler,
    certificate: { path: join(dir, 'tls', 'server.crt.pem'), issued: first.issued },
    urls: {
      https: o.listeners.https ? urlOf('https', https.server) : null,
      mqtt: o.listeners.mqtt ? urlOf('mqtts', mqtt.server) : null,
      metrics: metricsServer && o.listeners.metrics ? urlOf('http', metricsServer) : null,
    },
    close: async () => {
      clearInterval(renewal);
      stapler?.stop();
      https.server.close();
      https.server.closeAllConnections();
      for (const c of [...s.live.all()]) c.close({ code: 'GATEWAY_UNAVAILABLE', detail: { reason: 'shutting down' } });
      await mqtt.close();
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
    },
  };
}

/** The gateway asks the responder its certificate names (AIA), ours served by `fleetpki serve`, over HTTP. */
async function aiaResponder(requestDer: Uint8Array, leafDer: Uint8Array): Promise<Uint8Array> {
  const url = ocspUrlOf(leafDer);
  if (!url) throw new Error('the gateway certificate names no OCSP responder');
  return fetchBytes(url, { timeoutMs: STAPLE_TIMEOUT_MS, maxBytes: 64 * 1024, post: { body: requestDer, contentType: 'application/ocsp-request' } });
}

const STAPLE_TIMEOUT_MS = 3000;

function newStapler(certPem: () => string, s: Shared): OcspStapler {
  return new OcspStapler({
    certPem, anchors: () => s.trust().anchors, now: s.now, timeoutMs: STAPLE_TIMEOUT_MS, retryMs: 30_000, refreshAt: 0.5, source: aiaResponder,
    onError: (err) => s.onError(err),
    onStapled: (thisUpdate) => s.metrics.staplingAgeSeconds.set(Math.max(0, (s.now().getTime() - thisUpdate.getTime()) / 1000)),
  });
}
