/** `fleetpki trust bundle ...`: the signed trust bundles of decision 005. */
import type { Command } from 'commander';
import type { Io } from '../io.js';
import { registerTrustBundleCreate } from './trust-bundle-create.js';
import { registerTrustBundleVerify } from './trust-bundle-verify.js';

export function registerTrustBundle(trust: Command, io: Io): void {
  const bundle = trust.command('bundle').description('signed trust bundles: add the next root, retire the old one');
  registerTrustBundleCreate(bundle, io);
  registerTrustBundleVerify(bundle, io);
}
