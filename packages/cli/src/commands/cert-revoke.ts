/**
 * `fleetpki cert revoke SERIAL --reason R`: revoke one certificate, on the data folder
 * (--data) or through a running server (--url and --token, or FLEETPKI_URL and
 * FLEETPKI_TOKEN). certificateHold suspends it; `cert release-hold` lifts a hold.
 */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { postRemote, remoteTarget } from '../remote.js';
import { addReasonOptions, revokeInputOf, type ReasonFlags } from '../revocation-options.js';
import { certificateLines, certificateView, certificateViewOfApi, type CertificateView } from '../views.js';

interface Flags extends DeploymentFlags, ReasonFlags {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

async function revoke(serial: string, flags: Flags, io: Io): Promise<void> {
  const input = revokeInputOf(flags);
  const target = remoteTarget(flags, io);
  const view = target
    ? certificateViewOfApi(await postRemote<CertificateView>(target, `/certificates/${encodeURIComponent(serial)}/revoke`, {
      reason: input.reason, ...(input.invalidityDate ? { invalidityDate: input.invalidityDate.toISOString() } : {}),
    }))
    : certificateView((await withDeployment(flags, io, { keys: false }, (d) => d.ca.revokeCertificate(cliActor(io), serial, input))).record);
  const { certificate: _pem, ...shown } = view;
  new Output(io, flags.json === true).result(shown, (v) => certificateLines({ ...v, certificate: null }));
}

export function registerCertRevoke(cert: Command, io: Io): void {
  const cmd = addReasonOptions(addDeploymentOptions(cert.command('revoke')))
    .description('revoke a certificate (certificateHold suspends it), on the data folder or through a server (--url)')
    .argument('<serial>', 'serial in hex (colons and leading zeros are ignored)')
    .option('--url <url>', 'revoke through this server instead (default: $FLEETPKI_URL)')
    .option('--token <token>', 'API token for --url (default: $FLEETPKI_TOKEN)');
  addJsonOption(cmd).action((serial: string, flags: Flags) => revoke(serial, flags, io));
}
