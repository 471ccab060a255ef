/**
 * Flags shared by several commands, each parsed once into a typed value. A value that
 * does not parse is a usage error (exit 2) reported by commander before anything runs.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { KEY_TYPES, parseDuration } from '@fleetpki/core';

/** "90d", "10y", "12h" -> seconds. */
export function durationArg(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === null || seconds <= 0) throw new InvalidArgumentError('expected a duration such as 90d, 12h, 10y');
  return seconds;
}

export function positiveIntArg(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Repeatable flag: `--crl-url A --crl-url B`. */
export const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

export function keyTypeOption(defaultType: string): Option {
  return new Option('--key-type <type>', 'key algorithm').choices(KEY_TYPES).default(defaultType);
}

export function addJsonOption(cmd: Command): Command {
  return cmd.option('--json', 'print the result as JSON for scripts');
}

/** --data and --config: where the deployment lives (as for `fleetpki serve`). */
export function addDeploymentOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data folder of the deployment (default: $FLEETPKI_DATA, else ./data)')
    .option('--config <file>', 'configuration file (default: <data>/config.json when present)');
}

export interface DeploymentFlags {
  readonly data?: string;
  readonly config?: string;
}
