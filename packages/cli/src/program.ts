/**
 * The command tree: `fleetpki <group> <command>`, one file per command under commands/.
 * Commander is told never to exit the process; main.ts decides exit codes.
 */
import { Command } from 'commander';
import type { Io } from './io.js';
import { registerServe } from './commands/serve.js';
import { registerGateway } from './commands/gateway.js';
import { registerCaInitRoot } from './commands/ca-init-root.js';
import { registerCaRequest } from './commands/ca-request.js';
import { registerCaSign } from './commands/ca-sign.js';
import { registerCaImport } from './commands/ca-import.js';
import { registerCaCreateManufacturer } from './commands/ca-create-manufacturer.js';
import { registerCaList } from './commands/ca-list.js';
import { registerCaShow } from './commands/ca-show.js';
import { registerCertIssue } from './commands/cert-issue.js';
import { registerCertGet } from './commands/cert-get.js';
import { registerCertSearch } from './commands/cert-search.js';
import { registerCertRevoke } from './commands/cert-revoke.js';
import { registerCertReleaseHold } from './commands/cert-release-hold.js';
import { registerDeviceRevoke } from './commands/device-revoke.js';
import { registerDeviceAttributes } from './commands/device-attributes.js';
import { registerRevoke } from './commands/revoke.js';
import { registerTokenCreate } from './commands/token-create.js';
import { registerTokenList } from './commands/token-list.js';
import { registerTokenRevoke } from './commands/token-revoke.js';
import { registerAuditVerify } from './commands/audit-verify.js';
import { registerTrustBundle } from './commands/trust-bundle.js';
import { registerEnrollmentGroupCreate } from './commands/enrollment-group-create.js';
import { registerEnrollmentGroupList } from './commands/enrollment-group-list.js';
import { registerEnrollmentGroupShow } from './commands/enrollment-group-show.js';
import { registerEnrollmentGroupSecret } from './commands/enrollment-group-secret.js';
import { registerEnrollmentGroupDecide } from './commands/enrollment-group-decide.js';
import { registerBatchSign } from './commands/batch-sign.js';
import { registerBatchVerify } from './commands/batch-verify.js';
import { registerBatchList, registerBatchShow } from './commands/batch-list.js';
import { registerBatchReconcile } from './commands/batch-reconcile.js';
import { registerBatchImport } from './commands/batch-import.js';
import { registerCaExportOffline, registerCaImportOffline } from './commands/ca-offline.js';

export const VERSION = '0.1.0';

type Register = (parent: Command, io: Io) => void;

/** Groups in help order; each command registers itself on its group. */
const GROUPS: readonly { name: string; description: string; commands: readonly Register[] }[] = [
  { name: 'ca', description: 'CA hierarchy: offline root ceremony, issuing and manufacturer CAs',
    commands: [registerCaInitRoot, registerCaRequest, registerCaSign, registerCaImport, registerCaCreateManufacturer, registerCaExportOffline, registerCaImportOffline, registerCaList, registerCaShow] },
  { name: 'cert', description: 'issue, find and revoke certificates',
    commands: [registerCertIssue, registerCertGet, registerCertSearch, registerCertRevoke, registerCertReleaseHold] },
  { name: 'device', description: 'devices: attributes, and revoking every certificate of one', commands: [registerDeviceAttributes, registerDeviceRevoke] },
  { name: 'token', description: 'API tokens for the REST API', commands: [registerTokenCreate, registerTokenList, registerTokenRevoke] },
  { name: 'audit', description: 'the hash-chained audit log', commands: [registerAuditVerify] },
  { name: 'enrollment-group', description: 'EST enrollment groups, one-time enrollment secrets, approvals',
    commands: [registerEnrollmentGroupCreate, registerEnrollmentGroupList, registerEnrollmentGroupShow, registerEnrollmentGroupSecret, registerEnrollmentGroupDecide] },
  { name: 'trust', description: 'trust stores and signed trust bundles (root renewal)', commands: [registerTrustBundle] },
  { name: 'batch', description: 'factory provisioning: sign batches, verify manifests, reconcile', commands: [registerBatchSign, registerBatchVerify, registerBatchImport, registerBatchList, registerBatchShow, registerBatchReconcile] },
];

export function buildProgram(io: Io): Command {
  const program = new Command('fleetpki')
    .description('FleetPKI: a PKI for device fleets')
    .version(VERSION)
    // Set before any subcommand exists: .command() copies these settings to its children.
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true);
  registerServe(program, io);
  registerGateway(program, io);
  for (const group of GROUPS) {
    const cmd = program.command(group.name).description(group.description);
    for (const register of group.commands) register(cmd, io);
  }
  registerRevoke(program, io);
  return program;
}
