/**
 * Composition root of `fleetpki gateway`: the only file of the package that reads files
 * and the environment. The deployment's configuration comes as for `fleetpki serve`
 * (DIR/config.json or --config, FLEETPKI_* variables; PostgreSQL through
 * FLEETPKI_DATABASE_URL), its `gateway` section is validated here, and the listeners come
 * from --https / --mqtt / --metrics (or gateway.listen). One line per listener when ready.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fromPemAll } from '@fleetpki/core';
import { ConfigError, loadConfig, openDeployment, parseListen, serve, type Config, type Deployment, type Env } from '@fleetpki/server';
import { parseGatewayConfig, type GatewayConfig } from './config.js';
import { startGateway, type GatewayListeners, type RunningGateway } from './gateway.js';
import type { TrustInputs } from './trust.js';

export interface GatewayFlags {
  readonly data?: string;
  readonly config?: string;
  readonly https?: string;
  readonly mqtt?: string;
  readonly metrics?: string;
  readonly name?: string;
  /**
   * HOST:PORT: also run `fleetpki serve` (REST API, OCSP, CRLs) in this process on that
   * address, sharing its deployment, so changes made through it reach the gateway on the
   * in-process bus, without waiting for the outbox.
   */
  readonly serve?: string;
}

export interface LoadedGatewayConfig {
  readonly config: Config;
  readonly gateway: GatewayConfig;
  readonly listeners: GatewayListeners;
  readonly trust: TrustInputs;
}

function readCertificates(paths: readonly string[], what: string, issues: string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of paths) {
    try {
      const blocks = fromPemAll(readFileSync(p, 'utf8'), ['CERTIFICATE']);
      if (blocks.length === 0) issues.push(`gateway.${what}: ${p} holds no CERTIFICATE`);
      out.push(...blocks.map((b) => b.der));
    } catch (e) {
      issues.push(`gateway.${what}: ${p}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Everything validated, every problem reported at once (ConfigError); no database is opened. */
export function loadGatewayConfig(flags: GatewayFlags, env: Env): LoadedGatewayConfig {
  const config = loadConfig({ ...(flags.data ? { data: flags.data } : {}), ...(flags.config ? { config: flags.config } : {}), ...(flags.serve ? { listen: flags.serve } : {}) }, env);
  const raw = { ...(config.gateway as Record<string, unknown> | undefined ?? {}) };
  if (flags.name) raw['name'] = flags.name;
  const gateway = parseGatewayConfig(raw, hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || 'gateway');
  const issues: string[] = [];
  const at = (flag: string | undefined, configured: string | undefined) => {
    const text = flag ?? configured;
    if (!text) return null;
    try { return parseListen(text); } catch (e) { issues.push(...(e instanceof ConfigError ? e.issues : [String(e)])); return null; }
  };
  const listeners = { https: at(flags.https, gateway.listen.https), mqtt: at(flags.mqtt, gateway.listen.mqtt), metrics: at(flags.metrics, gateway.listen.metrics) };
  if (!listeners.https && !listeners.mqtt) issues.push('gateway: nothing to listen on: give --https HOST:PORT and/or --mqtt HOST:PORT');
  const trust = {
    anchorsDer: readCertificates(gateway.anchors, 'anchors', issues),
    intermediatesDer: readCertificates(gateway.intermediates, 'intermediates', issues),
    trustDeploymentRoots: gateway.trustDeploymentRoots,
  };
  if (!gateway.trustDeploymentRoots && trust.anchorsDer.length === 0) issues.push('gateway: trustDeploymentRoots is false and no anchors are configured: nothing would validate');
  if (issues.length) throw new ConfigError(issues);
  return { config, gateway, listeners, trust };
}

/** The deployment: opened here, or the one of a server started in this process (--serve). */
async function deploymentFor(flags: GatewayFlags, loaded: LoadedGatewayConfig, env: Env, out: (line: string) => void): Promise<{ deployment: Deployment; close: () => Promise<void> }> {
  if (!flags.serve) {
    const deployment = await openDeployment({ config: loaded.config, env, initialize: false });
    return { deployment, close: () => deployment.close() };
  }
  const server = await serve({ ...(flags.data ? { data: flags.data } : {}), ...(flags.config ? { config: flags.config } : {}), listen: flags.serve }, env, out);
  return { deployment: server.deployment, close: () => server.close() };
}

/** Runs a gateway node until close(); `out` gets one line per listener. */
export async function runGateway(flags: GatewayFlags, env: Env, out: (line: string) => void, err: (line: string) => void = console.error): Promise<RunningGateway> {
  const loaded = loadGatewayConfig(flags, env);
  const { deployment, close } = await deploymentFor(flags, loaded, env, out);
  let running: RunningGateway;
  try {
    running = await startGateway({
      deployment, config: loaded.gateway, listeners: loaded.listeners, trust: loaded.trust,
      log: (level, message, e) => err(JSON.stringify({ level, gateway: loaded.gateway.name, message, ...(e ? { err: e instanceof Error ? e.message : String(e) } : {}) })),
    });
  } catch (e) {
    await close();
    throw e;
  }
  const g = running;
  const cert = `TLS server certificate ${g.certificate.issued ? 'issued' : 'loaded'}: ${g.certificate.path}`;
  if (g.urls.https) out(`gateway ${g.name}: HTTPS ingestion ${g.urls.https}/telemetry/<device id> (${cert})`);
  if (g.urls.mqtt) out(`gateway ${g.name}: MQTT over TLS ${g.urls.mqtt} (MQTT 3.1.1 and 5)`);
  if (g.urls.metrics) out(`gateway ${g.name}: metrics ${g.urls.metrics}/metrics`);
  return { ...g, close: async () => { await g.close(); await close(); } };
}
