/**
 * `fleetpki ca init-root`: the offline root ceremony. Makes the root key and its
 * self-signed certificate in a folder meant for removable, offline media. It touches no
 * deployment: the server never holds the root key.
 *   1. refuse if the folder already holds a root (a key is never overwritten)
 *   2. passphrase (asked twice when typed), at least MIN_PASSPHRASE_LENGTH characters
 *   3. key and certificate, computed before anything is written
 *   4. write the encrypted key (0600), then the certificate
 */
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createRootCertificate, newSerial } from '@fleetpki/ca';
import { parseCertificate, parseNameString, toPem, formatName } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner, writeEncryptedKeyFile, writeFileExclusive } from '@fleetpki/keys';
import type { KeyType } from '@fleetpki/core';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { addJsonOption, durationArg, keyTypeOption } from '../options.js';
import { fields, fingerprint, Output } from '../output.js';
import { builtinProfile } from '../profiles.js';
import { rootPassphrase, rootPaths } from '../root-key.js';

interface Flags {
  readonly out: string;
  readonly subject: string;
  readonly keyType: KeyType;
  readonly validity?: number;
  readonly passphraseFile?: string;
  readonly json?: boolean;
}

async function initRoot(flags: Flags, io: Io): Promise<void> {
  // 1. never replace an existing root
  const paths = rootPaths(flags.out);
  for (const p of [paths.key, paths.certificate]) if (existsSync(p)) throw new CliError('FILE_EXISTS', `${p} exists; a root is never overwritten`);
  const subject = parseNameString(flags.subject);
  // 2. passphrase
  const passphrase = await rootPassphrase(io, flags.passphraseFile, { isNew: true });
  // 3. key and certificate
  const key = generatePrivateKey(flags.keyType);
  const der = await createRootCertificate({
    profile: builtinProfile('root'), subject, signer: softwareSigner(key), now: new Date(),
    serial: newSerial({ bytes: (n) => randomBytes(n) }), ...(flags.validity !== undefined ? { validitySeconds: flags.validity } : {}),
  });
  // 4. files
  mkdirSync(flags.out, { recursive: true, mode: 0o700 });
  writeEncryptedKeyFile(paths.key, key, passphrase);
  writeFileExclusive(paths.certificate, toPem('CERTIFICATE', der), 0o644);
  const cert = parseCertificate(der);
  new Output(io, flags.json === true).result({
    subject: formatName(cert.subject), keyType: flags.keyType, serial: cert.serial,
    notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(),
    sha256Fingerprint: fingerprint(der), key: paths.key, certificate: paths.certificate,
  }, (v) => [
    ...fields([['subject', v.subject], ['key type', v.keyType], ['serial', v.serial], ['not before', v.notBefore], ['not after', v.notAfter],
      ['key', `${v.key} (encrypted PKCS#8)`], ['certificate', v.certificate]]),
    `SHA256 Fingerprint=${v.sha256Fingerprint}`,
  ]);
}

export function registerCaInitRoot(ca: Command, io: Io): void {
  const cmd = ca.command('init-root')
    .description('offline root ceremony: create the root key (encrypted) and self-signed certificate; touches no deployment')
    .requiredOption('--out <dir>', 'folder for root.key.pem and root.crt.pem (offline media)')
    .requiredOption('--subject <dn>', 'subject, e.g. "CN=Example Device Root,O=Example"')
    .addOption(keyTypeOption('ecdsa-p384'))
    .option('--validity <duration>', 'lifetime (default 20y)', durationArg)
    .option('--passphrase-file <file>', `file whose first line is the key passphrase (else $FLEETPKI_ROOT_PASSPHRASE, else a prompt)`);
  addJsonOption(cmd).action((flags: Flags) => initRoot(flags, io));
}
