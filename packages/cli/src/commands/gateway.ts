/**
 * `fleetpki gateway`: runs an ingestion gateway node (mutual-TLS HTTPS and MQTT) over the
 * deployment's store, as `fleetpki serve` opens it (SQLite data folder, or PostgreSQL).
 * Parses flags and calls @fleetpki/gateway; --check-config validates the configuration
 * (the gateway section, its rules, patterns and anchor files), prints every problem, stops.
 */
import type { Command } from 'commander';
import { loadGatewayConfig, runGateway, type GatewayFlags } from '@fleetpki/gateway';
import type { Io } from '../io.js';
import { addJsonOption } from '../options.js';
import { fields, Output } from '../output.js';

interface Flags extends GatewayFlags {
  readonly checkConfig?: boolean;
  readonly json?: boolean;
}

const listen = (l: { host: string; port: number } | null): string => (l ? `${l.host}:${l.port}` : 'off');

function checkConfig(flags: Flags, io: Io): void {
  const { config, gateway, listeners, trust } = loadGatewayConfig(flags, io.env);
  const summary = {
    valid: true, name: gateway.name, dataDir: config.dataDir, database: config.database.kind,
    https: listen(listeners.https), mqtt: listen(listeners.mqtt), metrics: listen(listeners.metrics),
    anchors: `${trust.anchorsDer.length} configured${gateway.trustDeploymentRoots ? ' + the deployment roots' : ''}`,
    rules: [...gateway.rules.connect, ...gateway.rules.send].map((r) => `${r.name} (${r.when})`), sequences: gateway.sequences.map((s) => s.name),
    policies: gateway.policies.map((p) => p.name), clone: gateway.clone.action, sessionTickets: gateway.tls.sessionTickets,
  };
  new Output(io, flags.json === true).result(summary, (s) => [
    'configuration OK',
    ...fields(Object.entries(s).filter(([k]) => k !== 'valid').map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') || '-' : String(v)] as const)),
  ]);
}

async function run(flags: Flags, io: Io): Promise<void> {
  if (flags.checkConfig) return checkConfig(flags, io);
  const stop = io.shutdownSignal();
  const gateway = await runGateway(flags, io.env, (line) => io.out(`${line}\n`), (line) => io.err(`${line}\n`));
  const signal = await stop;
  io.err(`${signal}: closing the gateway\n`);
  await gateway.close();
}

export function registerGateway(program: Command, io: Io): void {
  const cmd = program.command('gateway')
    .description('run an ingestion gateway node: mutual-TLS HTTPS and MQTT with revocation, attribute and sequence rules')
    .option('--data <dir>', 'data folder of the deployment (default: $FLEETPKI_DATA, else ./data)')
    .option('--config <file>', 'configuration file (default: <data>/config.json when present)')
    .option('--https <host:port>', 'HTTPS ingestion listener')
    .option('--mqtt <host:port>', 'MQTT over TLS listener')
    .option('--metrics <host:port>', 'plain-HTTP Prometheus metrics listener')
    .option('--name <name>', 'this node\'s name in audit events and presence (default: gateway.name, else the host name)')
    .option('--serve <host:port>', 'also run `fleetpki serve` in this process on that address (changes made through it reach the gateway at once)')
    .option('--check-config', 'validate the configuration, print every problem, and exit');
  addJsonOption(cmd).action((flags: Flags) => run(flags, io));
}
