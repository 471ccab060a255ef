/**
 * Opening a deployment (a data folder plus its database): the composition of store,
 * key vault, clock, randomness and events into a CertificateAuthority. The server and
 * every CLI command that works on a deployment (`--data DIR`) go through here.
 *
 * Files in the data folder:
 *   fleetpki.db          SQLite database (unless PostgreSQL is configured)
 *   ca-passphrase        development only: the passphrase CA keys are encrypted with,
 *                        written when none is supplied (FLEETPKI_CA_PASSPHRASE or keys.passphraseFile)
 *   admin-token          the first admin API token, mode 0600, written once
 *   dev-root/            the development root: certificate and encrypted key (never in the store)
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAuthority, type CaDeps, DEFAULT_OCSP_SETTINGS, DEV_NAMES, SYSTEM_ACTOR, type Store } from '@fleetpki/ca';
import { parseDuration, toPem } from '@fleetpki/core';
import { decryptPrivateKey, encryptPrivateKey, generatePrivateKey, Pkcs8KeyVault, softwareSigner, writeEncryptedKeyFile, writeFileExclusive } from '@fleetpki/keys';
import { openStore } from '@fleetpki/store';
import type { Config } from './config.js';
import { InProcessEvents } from './events.js';
import { pooledRandom } from './random.js';
import { httpWebhookClient } from './webhook.js';
import type { KeySeal } from './tls-certificate.js';

export interface DeploymentPaths {
  readonly dataDir: string;
  readonly database: string;
  readonly passphraseFile: string;
  readonly adminToken: string;
  readonly devRootDir: string;
}

export function deploymentPaths(config: Config): DeploymentPaths {
  const d = config.dataDir;
  const database = config.database.kind === 'sqlite' ? config.database.path ?? join(d, 'fleetpki.db') : config.database.url;
  return { dataDir: d, database, passphraseFile: join(d, 'ca-passphrase'), adminToken: join(d, 'admin-token'), devRootDir: join(d, 'dev-root') };
}

export interface FirstStart {
  readonly adminToken: string;
  readonly passphraseGenerated: boolean;
}

export interface Deployment {
  readonly config: Config;
  readonly paths: DeploymentPaths;
  readonly store: Store;
  readonly ca: CertificateAuthority;
  readonly events: InProcessEvents;
  /** Set when this open created the development hierarchy. */
  readonly firstStart: FirstStart | null;
  /** Encrypts and decrypts the server's own keys (the TLS key) with the CA key passphrase. */
  readonly keySeal: KeySeal;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly config: Config;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Create the data folder and a development hierarchy when there is none (serve does; most commands don't). */
  readonly initialize: boolean;
}

function caKeyPassphrase(config: Config, paths: DeploymentPaths, env: OpenOptions['env'], initialize: boolean): { passphrase: string; generated: boolean } {
  if (config.keys.passphraseFile) return { passphrase: readFileSync(config.keys.passphraseFile, 'utf8').split(/\r?\n/)[0] ?? '', generated: false };
  const fromEnv = env[config.keys.passphraseEnv];
  if (fromEnv) return { passphrase: fromEnv, generated: false };
  if (existsSync(paths.passphraseFile)) return { passphrase: readFileSync(paths.passphraseFile, 'utf8').trim(), generated: false };
  if (!initialize) throw new Error(`no CA key passphrase: set ${config.keys.passphraseEnv} or keys.passphraseFile`);
  const passphrase = randomBytes(32).toString('base64url');
  writeFileExclusive(paths.passphraseFile, `${passphrase}\n`);
  return { passphrase, generated: true };
}

const seconds = (d: string): number => parseDuration(d) ?? 0;

/** The use cases' settings from the validated configuration (durations were checked by the schema). */
function caSettings(config: Config): CaDeps['settings'] {
  const st = config.status;
  const ocspValidity = seconds(st.ocspValidity);
  return {
    profiles: config.compiledProfiles, publicUrl: config.publicUrl, deviceNamespace: config.identity.deviceNamespace,
    crlShards: st.crlShards,
    crl: { fullValiditySeconds: seconds(st.crlValidity), deltaValiditySeconds: seconds(st.deltaCrlValidity) },
    ocsp: {
      ...DEFAULT_OCSP_SETTINGS, validitySeconds: ocspValidity, cacheEntries: st.ocspCacheEntries,
      // Re-sign cached answers when a tenth of their life is left.
      refreshBeforeSeconds: Math.max(1, Math.floor(ocspValidity / 10)),
    },
  };
}

export function rootFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

async function createDevHierarchy(ca: CertificateAuthority, paths: DeploymentPaths, passphrase: string): Promise<string> {
  mkdirSync(paths.devRootDir, { recursive: true, mode: 0o700 });
  const rootKey = generatePrivateKey('ecdsa-p384');
  writeEncryptedKeyFile(join(paths.devRootDir, 'root.key.pem'), rootKey, passphrase);
  await ca.createDevelopmentHierarchy(softwareSigner(rootKey));
  const root = await ca.deps.store.getCa(DEV_NAMES.root);
  writeFileSync(join(paths.devRootDir, 'root.crt.pem'), toPem('CERTIFICATE', root!.certificateDer!));
  const { token } = await ca.createApiToken(SYSTEM_ACTOR, { name: 'initial admin', role: 'admin' });
  writeFileExclusive(paths.adminToken, `${token}\n`);
  return token;
}

export async function openDeployment(opts: OpenOptions): Promise<Deployment> {
  const { config } = opts;
  const paths = deploymentPaths(config);
  if (opts.initialize) mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  else if (!existsSync(paths.dataDir)) throw new Error(`data folder ${paths.dataDir} does not exist (start the server once, or pass --data)`);
  const { passphrase, generated } = caKeyPassphrase(config, paths, opts.env, opts.initialize);
  const store = await openStore(config.database.kind === 'sqlite'
    ? { kind: 'sqlite', path: paths.database }
    : { kind: 'postgres', url: config.database.url, ...(config.database.schema ? { schema: config.database.schema } : {}), ...(config.database.poolSize ? { poolSize: config.database.poolSize } : {}) });
  const events = new InProcessEvents();
  const deps: CaDeps = {
    store, keys: new Pkcs8KeyVault(passphrase), events,
    clock: { now: () => new Date() },
    random: pooledRandom(),
    settings: caSettings(config),
    webhook: httpWebhookClient(),
  };
  const ca = new CertificateAuthority(deps);
  // What a change invalidates, at once: the next OCSP answer after a revocation says revoked.
  events.subscribe((e) => {
    if (e.type === 'ca.changed') { ca.issuers.invalidate(e.caName); ca.ocsp.forgetIssuers(); }
    if (e.type === 'certificate.revoked' || e.type === 'certificate.hold_released') ca.ocsp.forget(e.caName, e.serial);
  });
  let firstStart: FirstStart | null = null;
  try {
    if (opts.initialize && !(await ca.hierarchyExists())) {
      firstStart = { adminToken: await createDevHierarchy(ca, paths, passphrase), passphraseGenerated: generated };
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  const keySeal: KeySeal = { seal: (key) => encryptPrivateKey(key, passphrase), open: (pem) => decryptPrivateKey(pem, passphrase) };
  return { config, paths, store, ca, events, firstStart, keySeal, close: () => store.close() };
}
