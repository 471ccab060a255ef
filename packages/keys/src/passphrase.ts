/**
 * Where a passphrase comes from: an environment variable, a file (first line), or an
 * interactive prompt without echo. Callers pass the sources; only the CLI and main.ts
 * hand in process.env.
 */
import { readFileSync } from 'node:fs';
import { ServiceError } from '@fleetpki/ca';

export interface PassphraseSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly envName?: string;
  readonly file?: string;
  readonly prompt?: (question: string) => Promise<string>;
}

export async function resolvePassphrase(what: string, s: PassphraseSources): Promise<string> {
  if (s.file) return readFileSync(s.file, 'utf8').split(/\r?\n/)[0] ?? '';
  const fromEnv = s.envName ? s.env?.[s.envName] : undefined;
  if (fromEnv) return fromEnv;
  if (s.prompt) return s.prompt(`Passphrase for ${what}: `);
  throw new ServiceError('REQUEST_INVALID', `no passphrase for ${what}: use --passphrase-file${s.envName ? `, ${s.envName}` : ''} or a terminal`);
}
