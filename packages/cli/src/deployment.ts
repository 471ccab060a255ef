/**
 * Opening a deployment from --data/--config for one command, exactly as `serve` would
 * (loadConfig + openDeployment), then closing it. The CLI acts as `cli:<os user>` with
 * the system role: whoever can read the data folder already holds the store and its keys.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Actor } from '@fleetpki/ca';
import { type Deployment, deploymentPaths, loadConfig, openDeployment, type Config } from '@fleetpki/server';
import { CliError } from './errors.js';
import type { Env, Io } from './io.js';
import type { DeploymentFlags } from './options.js';

export function cliActor(io: Io): Actor {
  return Object.freeze({ id: `cli:${io.user}`, role: 'system' });
}

export interface OpenFor {
  /** Create the data folder if missing (`ca request` starts a production deployment). */
  readonly create?: boolean;
  /** The command signs or makes CA keys, so the real CA passphrase is needed. */
  readonly keys: boolean;
}

function hasPassphrase(config: Config, env: Env): boolean {
  return Boolean(config.keys.passphraseFile || env[config.keys.passphraseEnv] || existsSync(deploymentPaths(config).passphraseFile));
}

/**
 * The environment handed to openDeployment. It insists on a CA passphrase even for
 * commands that never touch a key (listing, search, audit); those get a placeholder that
 * can decrypt nothing, so an auditor needs no CA secret. A command that does use keys
 * gets the prompt's answer, or a clear error instead of a stack trace.
 */
async function passphraseEnv(config: Config, io: Io, keys: boolean): Promise<Env> {
  if (hasPassphrase(config, io.env)) return io.env;
  const name = config.keys.passphraseEnv;
  if (!keys) return { ...io.env, [name]: 'placeholder: this command uses no CA key' };
  if (!io.prompt) throw new CliError('PASSPHRASE_MISSING', `no CA key passphrase: set ${name} or keys.passphraseFile in the configuration`);
  return { ...io.env, [name]: await io.prompt('Passphrase for the CA keys: ') };
}

export async function withDeployment<T>(flags: DeploymentFlags, io: Io, use: OpenFor, run: (d: Deployment) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...(flags.data ? { data: flags.data } : {}), ...(flags.config ? { config: flags.config } : {}) }, io.env);
  const missing = !existsSync(config.dataDir);
  if (missing && !use.create) throw new CliError('DATA_NOT_FOUND', `data folder ${config.dataDir} does not exist (pass --data, or set FLEETPKI_DATA)`);
  // The passphrase first: a refusal leaves no empty data folder behind.
  const env = await passphraseEnv(config, io, use.keys);
  if (missing) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const deployment = await openDeployment({ config, env, initialize: false });
  try {
    return await run(deployment);
  } finally {
    await deployment.close();
  }
}
