/**
 * `fleetpki serve`: runs the server on a data folder (the first start on an empty folder
 * creates a development hierarchy). --check-config validates the configuration, prints
 * every problem, and stops: no folder, database or key is touched.
 */
import type { Command } from 'commander';
import { loadConfig, serve, type Config, type ServeFlags } from '@fleetpki/server';
import type { Io } from '../io.js';
import { addJsonOption } from '../options.js';
import { fields, Output } from '../output.js';

interface Flags extends ServeFlags {
  readonly checkConfig?: boolean;
  readonly json?: boolean;
}

function serveFlags(flags: Flags): ServeFlags {
  return {
    ...(flags.data ? { data: flags.data } : {}), ...(flags.listen ? { listen: flags.listen } : {}),
    ...(flags.listenTls ? { listenTls: flags.listenTls } : {}),
    ...(flags.config ? { config: flags.config } : {}), ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
  };
}

function configSummary(c: Config): Record<string, unknown> {
  return {
    valid: true, dataDir: c.dataDir, listen: `${c.listen.host}:${c.listen.port}`,
    listenTls: c.listenTls ? `${c.listenTls.host}:${c.listenTls.port}` : 'off', publicUrl: c.publicUrl,
    database: c.database.kind, deviceNamespace: c.identity.deviceNamespace, profiles: [...c.compiledProfiles.keys()],
  };
}

function checkConfig(flags: Flags, io: Io): void {
  // loadConfig throws ConfigError listing every problem; main prints it and exits 1.
  const summary = configSummary(loadConfig(serveFlags(flags), io.env));
  new Output(io, flags.json === true).result(summary, (s) => [
    'configuration OK',
    ...fields(Object.entries(s).filter(([k]) => k !== 'valid').map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)] as const)),
  ]);
}

async function run(flags: Flags, io: Io): Promise<void> {
  if (flags.checkConfig) return checkConfig(flags, io);
  // Listen for signals before starting, so a Ctrl-C during startup still shuts down cleanly.
  const stop = io.shutdownSignal();
  const server = await serve(serveFlags(flags), io.env, (line) => io.out(`${line}\n`));
  const signal = await stop;
  io.err(`${signal}: closing the server\n`);
  await server.close();
}

export function registerServe(program: Command, io: Io): void {
  const cmd = program.command('serve')
    .description('run the FleetPKI server (REST API, OCSP, CRLs, metrics; EST over TLS) on a data folder')
    .option('--data <dir>', 'data folder (default: $FLEETPKI_DATA, else ./data)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080)')
    .option('--listen-tls <host:port>', 'TLS listener for EST (and the API), or "off" (default: $FLEETPKI_LISTEN_TLS, else the listen host on 8443)')
    .option('--config <file>', 'configuration file (default: <data>/config.json when present)')
    .option('--public-url <url>', 'base URL relying parties reach the server at (written into certificates)')
    .option('--check-config', 'validate the configuration, print every problem, and exit');
  addJsonOption(cmd).action((flags: Flags) => run(flags, io));
}
