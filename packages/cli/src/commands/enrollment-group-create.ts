/** `fleetpki enrollment-group create`: an enrollment group, the policy behind one EST label. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { EnrollmentGroupInput } from '@fleetpki/ca';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { readInputFile } from '../inputs.js';
import { addDeploymentOptions, addJsonOption, collect, positiveIntArg, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { attributeArg } from '../revocation-options.js';
import { groupLines, groupView } from '../enrollment-views.js';

interface Flags extends DeploymentFlags {
  readonly label: string;
  readonly profile: string;
  readonly anchor: readonly string[];
  readonly ca?: string;
  readonly deviceIdPattern?: string;
  readonly attribute?: Readonly<Record<string, string>>;
  readonly approval?: 'automatic' | 'manual';
  readonly rateLimit?: { requests: number; perSeconds: number };
  readonly bootstrapReuse?: 'once' | 'until-operational' | number;
  readonly reenrollWithBootstrap?: boolean;
  readonly popLinking?: boolean;
  readonly webhook?: string;
  readonly webhookTimeout?: number;
  readonly retryAfter?: number;
  readonly serverKeygenEncryption?: 'none' | 'required';
  readonly json?: boolean;
}

/** "N/SECONDS", e.g. 100/60: 100 requests a minute. */
function rateLimitArg(text: string): { requests: number; perSeconds: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new InvalidArgumentError('expected REQUESTS/SECONDS, e.g. 100/60');
  return { requests: Number(m[1]), perSeconds: Number(m[2]) };
}

function reuseArg(text: string): 'once' | 'until-operational' | number {
  if (text === 'once' || text === 'until-operational') return text;
  if (/^\d+$/.test(text)) return Number(text);
  throw new InvalidArgumentError("expected 'once', 'until-operational' or a number of uses");
}

function input(flags: Flags): EnrollmentGroupInput {
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : { [k]: v } as Record<K, V>);
  return {
    label: flags.label, profile: flags.profile, anchors: flags.anchor.map((p) => readInputFile(p).toString('utf8')),
    ...opt('caName', flags.ca), ...opt('deviceIdPattern', flags.deviceIdPattern), ...opt('attributes', flags.attribute),
    ...opt('approval', flags.approval), ...opt('rateLimit', flags.rateLimit), ...opt('bootstrapReuse', flags.bootstrapReuse),
    ...opt('reenrollWithBootstrap', flags.reenrollWithBootstrap), ...opt('popLinking', flags.popLinking), ...opt('retryAfterSeconds', flags.retryAfter),
    ...opt('serverKeygenEncryption', flags.serverKeygenEncryption),
    ...(flags.webhook !== undefined ? { webhook: { url: flags.webhook, ...opt('timeoutMs', flags.webhookTimeout) } } : {}),
  };
}

async function create(flags: Flags, io: Io): Promise<void> {
  const group = await withDeployment(flags, io, { keys: false }, (d) => d.ca.createEnrollmentGroup(cliActor(io), input(flags)));
  new Output(io, flags.json === true).result(groupView(group), groupLines);
}

export function registerEnrollmentGroupCreate(group: Command, io: Io): void {
  addJsonOption(addDeploymentOptions(group.command('create')).description('create an enrollment group (an EST label)')
    .requiredOption('--label <label>', 'EST label: devices enroll at /.well-known/est/<label>/')
    .requiredOption('--profile <profile>', 'profile to issue, e.g. device-operational')
    .requiredOption('--anchor <file>', 'PEM CA certificate(s) bootstrap certificates must chain to (repeatable)', collect)
    .option('--ca <name>', 'issuing CA (default: the deployment default)')
    .option('--device-id-pattern <regexp>', 'anchored regular expression device ids must match, e.g. ^sensor-[0-9a-f]{8}$')
    .option('--attribute <name=value>', 'attribute every certificate of the group gets (repeatable)', attributeArg)
    .addOption(new Option('--approval <mode>', 'issue at once, or after an administrator approves').choices(['automatic', 'manual']))
    .option('--rate-limit <n/seconds>', 'token bucket, e.g. 100/60', rateLimitArg)
    .option('--bootstrap-reuse <policy>', "once (default), a number of uses, or until-operational", reuseArg)
    .option('--reenroll-with-bootstrap', 'a device whose certificate expired may re-enroll with its bootstrap certificate')
    .option('--pop-linking', 'require challengePassword = base64(TLS channel binding) in CSRs')
    .option('--webhook <url>', 'pre-issuance webhook (POST JSON; 2xx allows, anything else refuses)')
    .option('--webhook-timeout <ms>', 'webhook deadline in milliseconds (default 5000)', positiveIntArg)
    .option('--retry-after <seconds>', 'what a pending enrollment tells the device to wait (default 60)', positiveIntArg)
    .addOption(new Option('--server-keygen-encryption <mode>', "serverkeygen: 'required' (default) encrypts the key to the device's secret or certificate").choices(['none', 'required'])))
    .action((flags: Flags) => create(flags, io));
}
