/**
 * `fleetpki ca sign`: the offline ceremony's second half. The root signs an issuing CA's
 * CSR (from `fleetpki ca request`) with the key in --root DIR.
 *   1. parse the CSR and verify its proof of possession (RFC 2986 3)
 *   2. open the root (certificate, then the key with its passphrase)
 *   3. sign under the issuing-ca (or manufacturer-ca) profile with the URLs given
 *   4. write the certificate; print what was signed, for the ceremony's record
 */
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { namespaceConstraints, newSerial, signSubordinateCa } from '@fleetpki/ca';
import { formatName, parseAndVerifyCsr, parseCertificate, toPem, type StatusUrls } from '@fleetpki/core';
import type { Io } from '../io.js';
import { readCsr } from '../inputs.js';
import { addJsonOption, collect, durationArg } from '../options.js';
import { fields, fingerprint, Output, writePublicFile } from '../output.js';
import { builtinProfile } from '../profiles.js';
import { openRoot } from '../root-key.js';
import { UsageError } from '../errors.js';

interface Flags {
  readonly root: string;
  readonly csr: string;
  readonly out: string;
  readonly profile: 'issuing-ca' | 'manufacturer-ca';
  readonly validity?: number;
  readonly crlUrl?: string[];
  readonly ocspUrl?: string[];
  readonly caIssuersUrl?: string[];
  readonly namespace?: string;
  readonly passphraseFile?: string;
  readonly json?: boolean;
}

async function sign(flags: Flags, io: Io): Promise<void> {
  if (flags.namespace && flags.profile !== 'manufacturer-ca') throw new UsageError('--namespace goes with --profile manufacturer-ca');
  // 1. the request, with proof of possession
  const csr = await parseAndVerifyCsr(readCsr(flags.csr));
  // 2. the root
  const root = await openRoot(io, flags.root, flags.passphraseFile);
  // 3. sign
  const urls: StatusUrls = { crl: flags.crlUrl ?? [], ocsp: flags.ocspUrl ?? [], caIssuers: flags.caIssuersUrl ?? [] };
  const der = await signSubordinateCa({
    profile: builtinProfile(flags.profile), issuerCertificateDer: root.certificateDer, issuerSigner: root.signer,
    publicKey: csr.publicKey, subject: csr.subject, urls, now: new Date(), serial: newSerial({ bytes: (n) => randomBytes(n) }),
    ...(flags.validity !== undefined ? { validitySeconds: flags.validity } : {}),
    ...(flags.namespace ? { nameConstraints: namespaceConstraints(flags.namespace) } : {}),
  });
  // 4. write and report
  writePublicFile(flags.out, toPem('CERTIFICATE', der));
  const cert = parseCertificate(der);
  new Output(io, flags.json === true).result({
    subject: formatName(cert.subject), issuer: formatName(cert.issuer), profile: flags.profile, serial: cert.serial,
    notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), sha256Fingerprint: fingerprint(der), out: flags.out,
  }, (v) => [
    ...fields([['signed', v.subject], ['issuer', v.issuer], ['profile', v.profile], ['serial', v.serial],
      ['not before', v.notBefore], ['not after', v.notAfter], ['written to', v.out]]),
    `SHA256 Fingerprint=${v.sha256Fingerprint}`,
  ]);
}

export function registerCaSign(ca: Command, io: Io): void {
  const cmd = ca.command('sign')
    .description('offline ceremony: sign a CA request with the root key (verifies the proof of possession)')
    .requiredOption('--root <dir>', 'folder with root.key.pem and root.crt.pem (from ca init-root)')
    .requiredOption('--csr <file>', 'the CA request (PEM), from ca request')
    .requiredOption('--out <file>', 'where to write the signed CA certificate (PEM)')
    .addOption(new Option('--profile <name>', 'CA profile').choices(['issuing-ca', 'manufacturer-ca']).default('issuing-ca'))
    .option('--validity <duration>', 'lifetime (default: the profile\'s, 10y for issuing-ca)', durationArg)
    .option('--crl-url <url>', 'CRL distribution point of the root (repeatable)', collect)
    .option('--ocsp-url <url>', 'OCSP responder for the root\'s certificates (repeatable)', collect)
    .option('--ca-issuers-url <url>', 'where the root certificate is published (repeatable)', collect)
    .option('--namespace <host>', 'manufacturer-ca only: device namespace the CA is constrained to')
    .option('--passphrase-file <file>', 'file whose first line is the root key passphrase (else $FLEETPKI_ROOT_PASSPHRASE, else a prompt)');
  addJsonOption(cmd).action((flags: Flags) => sign(flags, io));
}
