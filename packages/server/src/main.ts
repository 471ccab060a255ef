/**
 * Composition root of the server: the only file that reads configuration files and the
 * environment. `fleetpki serve` calls serve(); --check-config stops after validation.
 *
 * Sources, later ones winning: DIR/config.json (or --config FILE), then the environment
 * (FLEETPKI_DATA, FLEETPKI_LISTEN, FLEETPKI_LISTEN_TLS, FLEETPKI_PUBLIC_URL, FLEETPKI_DATABASE_URL), then flags.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEV_NAMES } from '@fleetpki/ca';
import { parseDuration } from '@fleetpki/core';
import { type Config, ConfigError, parseConfig } from './config.js';
import { type Deployment, openDeployment, rootFingerprint } from './deployment.js';
import { buildApp } from './app.js';
import { CrlScheduler, DEFAULT_CRL_SCHEDULE } from './crl-scheduler.js';
import { startTls } from './tls-serve.js';
import { followStatusEvents, pruneStatusEventsHourly } from './status-follow.js';

export interface ServeFlags {
  readonly data?: string;
  readonly listen?: string;
  /** HOST:PORT of the TLS listener (EST), or "off". */
  readonly listenTls?: string;
  readonly config?: string;
  readonly publicUrl?: string;
}
export type Env = Readonly<Record<string, string | undefined>>;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text) ?? /^()()(\d{1,5})$/.exec(text);
  if (!m) throw new ConfigError([`listen: "${text}" is not HOST:PORT`]);
  return { host: m[1] || m[2] || '127.0.0.1', port: Number(m[3]) };
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError([`${path}: ${(e as Error).message}`]);
  }
}

/** Builds the raw configuration from file, environment and flags, then validates it. */
export function loadConfig(flags: ServeFlags, env: Env): Config {
  const dataDir = resolve(flags.data ?? env['FLEETPKI_DATA'] ?? 'data');
  const file = flags.config ?? join(dataDir, 'config.json');
  const raw: Record<string, unknown> = flags.config || existsSync(file) ? readJson(file) : {};
  raw['dataDir'] = dataDir;
  const listen = flags.listen ?? env['FLEETPKI_LISTEN'];
  if (listen) raw['listen'] = parseListen(listen);
  const listenTls = flags.listenTls ?? env['FLEETPKI_LISTEN_TLS'];
  if (listenTls) raw['listenTls'] = listenTls === 'off' ? null : parseListen(listenTls);
  const publicUrl = flags.publicUrl ?? env['FLEETPKI_PUBLIC_URL'];
  if (publicUrl) raw['publicUrl'] = publicUrl;
  if (env['FLEETPKI_DATABASE_URL']) raw['database'] = { kind: 'postgres', url: env['FLEETPKI_DATABASE_URL'] };
  return parseConfig(raw);
}

export interface RunningServer {
  readonly url: string;
  /** https://HOST:PORT of the TLS listener (EST), or null when it is off. */
  readonly tlsUrl: string | null;
  readonly deployment: Deployment;
  close(): Promise<void>;
}

async function describe(d: Deployment, out: (line: string) => void): Promise<void> {
  const root = (await d.store.listCas()).find((c) => c.role === 'root' && c.name === DEV_NAMES.root) ??
    (await d.store.listCas()).find((c) => c.role === 'root');
  if (d.firstStart) {
    out(`Created a development CA hierarchy in ${d.paths.dataDir} (root, issuing CA ${DEV_NAMES.issuing}, OCSP signer).`);
    if (d.firstStart.passphraseGenerated) out(`CA keys are encrypted with a generated passphrase in ${d.paths.passphraseFile}; in production set FLEETPKI_CA_PASSPHRASE instead.`);
    out(`Admin API token (shown once; also in ${d.paths.adminToken}): ${d.firstStart.adminToken}`);
  }
  if (root?.certificateDer) out(`Root ${root.name} SHA-256 fingerprint: ${rootFingerprint(root.certificateDer)}`);
}

export async function serve(flags: ServeFlags, env: Env, out: (line: string) => void = console.log): Promise<RunningServer> {
  const config = loadConfig(flags, env);
  const deployment = await openDeployment({ config, env, initialize: true });
  const app = await buildApp({ ca: deployment.ca, config, events: deployment.events });
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (e) {
    await deployment.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.listen.port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `http://${host}:${port}`;
  const debounceMs = (parseDuration(config.status.crlDebounce) ?? 1) * 1000;
  const scheduler = new CrlScheduler(deployment.ca, deployment.events, { ...DEFAULT_CRL_SCHEDULE, debounceMs }, (msg, err) => app.log.error({ err }, msg));
  scheduler.start();
  let tls;
  let tail;
  try {
    // Revocations and attribute changes committed by other processes (CLI, other nodes) reach this one's caches.
    tail = await followStatusEvents(deployment, (err) => app.log.error({ err }, 'status events: pull failed'));
    tls = await startTls(config, deployment.ca, deployment.keySeal, app, deployment.events);
  } catch (e) {
    await tail?.stop(); await scheduler.stop(); await app.close(); await deployment.close();
    throw e;
  }
  const stopPruning = pruneStatusEventsHourly(deployment, (err) => app.log.error({ err }, 'status events: pruning failed'));
  await describe(deployment, out);
  out(`API ${url}/api/v1 (OpenAPI ${url}/api/v1/openapi.json), metrics ${url}/metrics, CA certificates ${url}/ca/<name>.crt`);
  out(`OCSP ${url}/ocsp, CRLs ${url}/crl/<ca>.crl and ${url}/crl/<ca>.delta.crl`);
  if (tls) {
    const t = tls.listener.url;
    out(`EST ${t}/.well-known/est/ (TLS server certificate ${tls.issued ? 'issued' : 'loaded'}: ${deployment.paths.dataDir}/tls/server.crt.pem)${config.tls.api ? `, API also at ${t}/api/v1` : ''}`);
  }
  out(`FleetPKI ready at ${url}`);
  return {
    url, tlsUrl: tls?.listener.url ?? null, deployment,
    close: async () => { stopPruning(); await tls?.close(); await tail.stop(); await scheduler.stop(); await app.close(); await deployment.close(); },
  };
}
