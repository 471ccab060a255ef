/**
 * `fleetpki cert issue`: a certificate from a CSR under a profile, either on the data
 * folder (--data) or through a running server (--url and --token, or FLEETPKI_URL and
 * FLEETPKI_TOKEN) with the REST API. Both go through the same issuance cycle; the
 * result is printed the same way.
 */
import type { Command } from 'commander';
import { toPem } from '@fleetpki/core';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { readCsr } from '../inputs.js';
import { addDeploymentOptions, addJsonOption, durationArg, type DeploymentFlags } from '../options.js';
import { fields, Output, writePublicFile } from '../output.js';
import { issueRemote, remoteTarget, type IssueRequestBody, type RemoteIssued } from '../remote.js';
import { attributeArg } from '../revocation-options.js';

interface Flags extends DeploymentFlags {
  readonly csr: string;
  readonly profile: string;
  readonly ca?: string;
  readonly deviceId?: string;
  readonly validity?: number;
  readonly out?: string;
  readonly chainOut?: string;
  readonly url?: string;
  readonly token?: string;
  readonly attribute?: Readonly<Record<string, string>>;
  readonly json?: boolean;
}

async function issueLocal(flags: Flags, io: Io, body: IssueRequestBody, csrDer: Uint8Array): Promise<RemoteIssued> {
  const r = await withDeployment(flags, io, { keys: true }, (d) => d.ca.issueCertificate(cliActor(io), {
    csrDer, profile: body.profile,
    ...(body.ca !== undefined ? { caName: body.ca } : {}),
    ...(body.deviceId !== undefined ? { deviceId: body.deviceId } : {}),
    ...(body.validitySeconds !== undefined ? { validitySeconds: body.validitySeconds } : {}),
    ...(body.attributes !== undefined ? { attributes: body.attributes } : {}),
  }));
  return {
    serial: r.serial, certificate: toPem('CERTIFICATE', r.certificateDer), chain: r.chainDer.map((d) => toPem('CERTIFICATE', d)),
    notBefore: r.prepared.notBefore.toISOString(), notAfter: r.prepared.notAfter.toISOString(),
    profile: r.prepared.profile, ca: r.prepared.issuer, deviceId: r.prepared.deviceId,
  };
}

async function issue(flags: Flags, io: Io): Promise<void> {
  const target = remoteTarget(flags, io);
  const csrDer = readCsr(flags.csr);
  const body: IssueRequestBody = {
    csr: toPem('CERTIFICATE REQUEST', csrDer), profile: flags.profile,
    ...(flags.ca !== undefined ? { ca: flags.ca } : {}),
    ...(flags.deviceId !== undefined ? { deviceId: flags.deviceId } : {}),
    ...(flags.validity !== undefined ? { validitySeconds: flags.validity } : {}),
    ...(flags.attribute !== undefined ? { attributes: flags.attribute } : {}),
  };
  const issued = target ? await issueRemote(target, body) : await issueLocal(flags, io, body, csrDer);
  if (flags.out) writePublicFile(flags.out, issued.certificate);
  if (flags.chainOut) writePublicFile(flags.chainOut, issued.chain.join(''));
  const output = new Output(io, flags.json === true);
  if (!flags.out && !output.json) return output.raw(issued.certificate);
  output.result(issued, (v) => fields([
    ['serial', v.serial], ['CA', v.ca], ['profile', v.profile], ['device id', v.deviceId],
    ['not before', v.notBefore], ['not after', v.notAfter], ['certificate', flags.out], ['chain', flags.chainOut],
  ]));
}

export function registerCertIssue(cert: Command, io: Io): void {
  const cmd = addDeploymentOptions(cert.command('issue'))
    .description('issue a certificate from a CSR, on the data folder or through a server (--url)')
    .requiredOption('--csr <file>', 'the request (PEM or DER), signed by the key to certify')
    .requiredOption('--profile <name>', 'profile, e.g. device-idevid, device-operational, gateway-server')
    .option('--ca <name>', 'issuing CA (default: the deployment\'s default CA)')
    .option('--device-id <id>', 'device id, written as URI:device://<namespace>/<id>')
    .option('--validity <duration>', 'lifetime, e.g. 90d (default: the profile\'s)', durationArg)
    .option('--out <file>', 'write the certificate here (default: stdout)')
    .option('--chain-out <file>', 'write the issuer chain here (issuing CA first, root last)')
    .option('--attribute <name=value>', 'attribute kept with the certificate, e.g. batch=B7 (repeatable)', attributeArg)
    .option('--url <url>', 'issue through this server instead (default: $FLEETPKI_URL)')
    .option('--token <token>', 'API token for --url (default: $FLEETPKI_TOKEN)');
  addJsonOption(cmd).action((flags: Flags) => issue(flags, io));
}
