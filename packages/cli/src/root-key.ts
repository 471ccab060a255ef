/**
 * The offline root's folder as the ceremony commands use it: DIR/root.key.pem (encrypted
 * PKCS#8, 0600) and DIR/root.crt.pem. Its passphrase comes from --passphrase-file, then
 * FLEETPKI_ROOT_PASSPHRASE, then a no-echo prompt; it never comes from a flag value,
 * which would land in shell history and `ps`.
 */
import { join } from 'node:path';
import type { Signer } from '@fleetpki/core';
import { decryptPrivateKey, MIN_PASSPHRASE_LENGTH, resolvePassphrase, softwareSigner } from '@fleetpki/keys';
import { CliError } from './errors.js';
import { readCertificate, readInputFile } from './inputs.js';
import type { Io } from './io.js';

export const ROOT_PASSPHRASE_ENV = 'FLEETPKI_ROOT_PASSPHRASE';

export const rootPaths = (dir: string): { key: string; certificate: string } =>
  ({ key: join(dir, 'root.key.pem'), certificate: join(dir, 'root.crt.pem') });

/** A prompt that asks twice, for a passphrase being set. */
function confirmingPrompt(prompt: (q: string) => Promise<string>): (q: string) => Promise<string> {
  return async (question) => {
    const first = await prompt(question);
    if ((await prompt('Repeat the passphrase: ')) !== first) throw new CliError('PASSPHRASE_MISMATCH');
    return first;
  };
}

/** `isNew`: the passphrase is being set, so it is asked twice and its length checked. */
export async function rootPassphrase(io: Io, file: string | undefined, options: { isNew: boolean }): Promise<string> {
  const prompt = io.prompt && options.isNew ? confirmingPrompt(io.prompt) : io.prompt;
  const passphrase = await resolvePassphrase('the root key', {
    env: io.env, envName: ROOT_PASSPHRASE_ENV, ...(file ? { file } : {}), ...(prompt ? { prompt } : {}),
  });
  if (options.isNew && passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new CliError('PASSPHRASE_TOO_SHORT', `the root key passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  return passphrase;
}

export interface OpenedRoot {
  readonly certificateDer: Buffer;
  readonly signer: Signer;
}

/** The root certificate and its key; KEY_UNAVAILABLE for a wrong passphrase. */
export async function openRoot(io: Io, dir: string, passphraseFile: string | undefined): Promise<OpenedRoot> {
  const paths = rootPaths(dir);
  const certificateDer = readCertificate(paths.certificate);
  const keyPem = readInputFile(paths.key).toString('utf8');
  const passphrase = await rootPassphrase(io, passphraseFile, { isNew: false });
  return { certificateDer, signer: softwareSigner(decryptPrivateKey(keyPem, passphrase)) };
}
