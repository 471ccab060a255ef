/**
 * `fleetpki audit verify`: recomputes the audit log's hash chain from the first event and
 * compares the recorded head. Exit 0 when every event verifies; exit 1 naming the first
 * event that does not and what is wrong with it.
 */
import type { Command } from 'commander';
import type { AuditVerification } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';

interface Flags extends DeploymentFlags { readonly json?: boolean }

type Problem = Extract<AuditVerification, { ok: false }>['problem'];

/** What each finding means, in the words an operator needs. */
const PROBLEMS: Readonly<Record<Problem, string>> = {
  hash_mismatch: 'its content does not match its hash (the event was edited)',
  prev_mismatch: 'it does not link to the previous event\'s hash (an event before it was replaced or removed)',
  sequence_gap: 'sequence numbers skip here (an event before it was deleted)',
  head_mismatch: 'the recorded head does not match the last event (events at the end were removed or added)',
};

async function verify(flags: Flags, io: Io): Promise<void> {
  const result = await withDeployment(flags, io, { keys: false }, (d) => d.ca.verifyAuditLog(cliActor(io)));
  const output = new Output(io, flags.json === true);
  if (output.json) output.result(result, () => []);
  if (!result.ok) throw new CliError('AUDIT_CHAIN_BROKEN', `audit log broken at event ${result.seq}: ${result.problem}: ${PROBLEMS[result.problem]}`);
  if (!output.json) output.lines([`audit log verified: ${result.count} events, head ${result.head?.hash ?? 'none (empty log)'}`]);
}

export function registerAuditVerify(audit: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(audit.command('verify')).description('verify the hash chain of the audit log'))
    .action((flags: Flags) => verify(flags, io));
}
