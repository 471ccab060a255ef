/**
 * `fleetpki revoke --ca/--profile/--manufacturer/--device-id/--attribute/--issued-after/
 * --issued-before ... --reason R`: revocation by query, in two runs of the same command.
 * Without --confirm it is a dry run: it prints how many certificates and devices match, a
 * sample, and a token; nothing is revoked. With --confirm TOKEN (within 15 minutes, the
 * same selection) it revokes exactly what the dry run matched, in batches.
 */
import { Option, type Command } from 'commander';
import type { CertificateStatus, RevocationQuery } from '@fleetpki/ca';
import { parseRevocationReason } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { fields, Output, table } from '../output.js';
import { addReasonOptions, attributeArg, isoInstantArg, revokeInputOf, type ReasonFlags } from '../revocation-options.js';
import { certificateView } from '../views.js';

interface Flags extends DeploymentFlags, ReasonFlags {
  readonly ca?: string;
  readonly profile?: string;
  readonly manufacturer?: string;
  readonly deviceId?: string;
  readonly attribute?: Readonly<Record<string, string>>;
  readonly issuedAfter?: Date;
  readonly issuedBefore?: Date;
  readonly status?: CertificateStatus;
  readonly confirm?: string;
  readonly json?: boolean;
}

function queryOf(flags: Flags): RevocationQuery {
  return {
    ...(flags.ca !== undefined ? { caName: flags.ca } : {}),
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.manufacturer !== undefined ? { manufacturer: flags.manufacturer } : {}),
    ...(flags.deviceId !== undefined ? { deviceId: flags.deviceId } : {}),
    ...(flags.attribute !== undefined ? { attributes: flags.attribute } : {}),
    ...(flags.issuedAfter !== undefined ? { issuedAfter: flags.issuedAfter } : {}),
    ...(flags.issuedBefore !== undefined ? { issuedBefore: flags.issuedBefore } : {}),
    ...(flags.status !== undefined ? { status: flags.status } : {}),
  };
}

async function dryRun(flags: Flags, io: Io): Promise<void> {
  // The reason is checked now, so the confirmed run cannot fail on it.
  parseRevocationReason(flags.reason);
  const p = await withDeployment(flags, io, { keys: false }, (d) => d.ca.previewRevocation(cliActor(io), queryOf(flags)));
  const view = {
    dryRun: true, count: p.count, devices: p.devices, asOf: p.asOf.toISOString(), confirmation: p.confirmation, expiresAt: p.expiresAt.toISOString(),
    sample: p.sample.map(certificateView).map(({ certificate: _pem, ...rest }) => rest),
  };
  new Output(io, flags.json === true).result(view, (v) => [
    'dry run: nothing was revoked',
    ...fields([['certificates', v.count], ['devices', v.devices], ['issued up to', v.asOf]]),
    ...(v.sample.length ? ['', ...table(['SERIAL', 'CA', 'PROFILE', 'DEVICE', 'SUBJECT'], v.sample.map((c) => [c.serial, c.ca, c.profile, c.deviceId ?? '-', c.subject || '-']))] : []),
    '', `to revoke them (${flags.reason}), run the same command with --confirm ${v.confirmation} before ${v.expiresAt}`,
  ]);
}

async function confirmed(flags: Flags, confirmation: string, io: Io): Promise<void> {
  const r = await withDeployment(flags, io, { keys: false }, (d) => d.ca.revokeByQuery(cliActor(io), { query: queryOf(flags), confirmation, ...revokeInputOf(flags) }));
  const view = { dryRun: false, reason: flags.reason, previewed: r.previewed, revoked: r.revoked, alreadyRevoked: r.alreadyRevoked, notIssued: r.notIssued, notFound: r.notFound, batches: r.batches };
  new Output(io, flags.json === true).result(view, (v) => fields([
    ['reason', v.reason], ['previewed', v.previewed], ['revoked', v.revoked], ['already revoked', v.alreadyRevoked],
    ['never issued', v.notIssued], ['batches', v.batches],
  ]));
}

export function registerRevoke(program: Command, io: Io): void {
  const cmd = addReasonOptions(addDeploymentOptions(program.command('revoke')))
    .description('revoke by query: a dry run first, then the same command with --confirm TOKEN')
    .option('--ca <name>', 'issued by this CA')
    .option('--profile <name>', 'issued under this profile')
    .option('--manufacturer <name>', 'issued by the CAs of this contract manufacturer')
    .option('--device-id <id>', 'of this device')
    .option('--attribute <name=value>', 'with this certificate attribute, e.g. batch=B7 (repeatable)', attributeArg)
    .option('--issued-after <iso>', 'issued at or after this instant', isoInstantArg)
    .option('--issued-before <iso>', 'issued before this instant', isoInstantArg)
    .addOption(new Option('--status <status>', 'certificates in this state (default issued; revoked selects holds to make final)').choices(['issued', 'revoked']))
    .option('--confirm <token>', 'the token a dry run of the same command printed: revoke');
  addJsonOption(cmd).action((flags: Flags) => (flags.confirm === undefined ? dryRun(flags, io) : confirmed(flags, flags.confirm, io)));
}
