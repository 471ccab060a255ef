/** `fleetpki cert release-hold SERIAL`: lift a certificateHold; the certificate is good again. */
import type { Command } from 'commander';
import { cliActor, withDeployment } from '../deployment.js';
import type { Io } from '../io.js';
import { addDeploymentOptions, addJsonOption, type DeploymentFlags } from '../options.js';
import { Output } from '../output.js';
import { postRemote, remoteTarget } from '../remote.js';
import { certificateLines, certificateView, certificateViewOfApi, type CertificateView } from '../views.js';

interface Flags extends DeploymentFlags {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

async function release(serial: string, flags: Flags, io: Io): Promise<void> {
  const target = remoteTarget(flags, io);
  const view = target
    ? certificateViewOfApi(await postRemote<CertificateView>(target, `/certificates/${encodeURIComponent(serial)}/release-hold`, {}))
    : certificateView((await withDeployment(flags, io, { keys: false }, (d) => d.ca.releaseHold(cliActor(io), serial))).record);
  const { certificate: _pem, ...shown } = view;
  new Output(io, flags.json === true).result(shown, (v) => certificateLines({ ...v, certificate: null }));
}

export function registerCertReleaseHold(cert: Command, io: Io): void {
  const cmd = addDeploymentOptions(cert.command('release-hold'))
    .description('lift a hold (certificateHold): the certificate is good again')
    .argument('<serial>', 'serial in hex')
    .option('--url <url>', 'through this server instead (default: $FLEETPKI_URL)')
    .option('--token <token>', 'API token for --url (default: $FLEETPKI_TOKEN)');
  addJsonOption(cmd).action((serial: string, flags: Flags) => release(serial, flags, io));
}
