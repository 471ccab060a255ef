/**
 * `fleetpki cert search`: certificates by CA, status, profile, subject, device id or
 * expiry, newest first (soonest-expiring first with --expires-before), one page at a time.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CertificateQuery, CertificateStatus } from '@fleetpki/ca';
import { parseDuration } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, positiveIntArg, type DeploymentFlags } from '../options.js';
import { Output, table } from '../output.js';
import { certificateView } from '../views.js';

interface Flags extends DeploymentFlags {
  readonly ca?: string;
  readonly status?: CertificateStatus;
  readonly profile?: string;
  readonly subject?: string;
  readonly subjectPrefix?: string;
  readonly deviceId?: string;
  readonly expiresBefore?: (now: Date) => Date;
  readonly limit: number;
  readonly cursor?: string;
  readonly json?: boolean;
}

/** An ISO 8601 instant, or a duration from now ("30d": everything expiring within 30 days). */
export function instantArg(text: string): (now: Date) => Date {
  const seconds = parseDuration(text);
  if (seconds !== null) return (now) => new Date(now.getTime() + seconds * 1000);
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) throw new InvalidArgumentError('expected an ISO 8601 date or a duration such as 30d');
  return () => at;
}

function query(flags: Flags, now: Date): CertificateQuery {
  return {
    limit: flags.limit,
    ...(flags.ca !== undefined ? { caName: flags.ca } : {}),
    ...(flags.status !== undefined ? { status: flags.status } : {}),
    ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
    ...(flags.subject !== undefined ? { subject: flags.subject } : {}),
    ...(flags.subjectPrefix !== undefined ? { subjectPrefix: flags.subjectPrefix } : {}),
    ...(flags.deviceId !== undefined ? { deviceId: flags.deviceId } : {}),
    ...(flags.expiresBefore !== undefined ? { expiresBefore: flags.expiresBefore(now) } : {}),
    ...(flags.cursor !== undefined ? { cursor: flags.cursor } : {}),
  };
}

async function search(flags: Flags, io: Io): Promise<void> {
  const page = await withDeployment(flags, io, { keys: false }, (d) => d.ca.searchCertificates(cliActor(io), query(flags, new Date())));
  const view = { items: page.items.map(certificateView).map(({ certificate: _pem, ...rest }) => rest), nextCursor: page.nextCursor };
  new Output(io, flags.json === true).result(view, (v) => [
    ...table(['SERIAL', 'STATUS', 'CA', 'PROFILE', 'NOT AFTER', 'DEVICE', 'SUBJECT'],
      v.items.map((c) => [c.serial, c.status, c.ca, c.profile, c.notAfter.slice(0, 19), c.deviceId ?? '-', c.subject || '-'])),
    ...(v.nextCursor ? [`more: --cursor ${v.nextCursor}`] : []),
  ]);
}

export function registerCertSearch(cert: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(cert.command('search')).description('search certificates')
    .option('--ca <name>', 'issued by this CA')
    .addOption(new Option('--status <status>', 'status').choices(['pending', 'issued', 'revoked']))
    .option('--profile <name>', 'issued under this profile')
    .option('--subject <dn>', 'exact subject (RFC 4514)')
    .option('--subject-prefix <text>', 'subject starts with')
    .option('--device-id <id>', 'device id')
    .option('--expires-before <when>', 'ISO 8601 instant, or a duration from now such as 30d', instantArg)
    .option('--limit <n>', 'page size, 1..1000', positiveIntArg, 50)
    .option('--cursor <cursor>', 'next page, from the previous output'))
    .action((flags: Flags) => search(flags, io));
}
