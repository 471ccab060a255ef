/**
 * Errors the CLI adds to the domain's (ServiceError, PkiError, ConfigError), and the one
 * table that turns any error into an exit code and a line on stderr:
 *   0 success, 1 `error <CODE>: <message>`, 2 usage error (bad flags or arguments).
 */
import { CommanderError } from 'commander';
import { ServiceError } from '@fleetpki/ca';
import { isPkiError } from '@fleetpki/core';
import { ConfigError } from '@fleetpki/server';

export const CLI_ERRORS = {
  DATA_NOT_FOUND: 'the data folder does not exist',
  PASSPHRASE_MISSING: 'no passphrase was given',
  PASSPHRASE_MISMATCH: 'the two passphrases differ',
  PASSPHRASE_TOO_SHORT: 'the passphrase is too short',
  FILE_UNREADABLE: 'a file cannot be read',
  FILE_EXISTS: 'refusing to overwrite a file',
  FILE_ERROR: 'a file operation failed',
  REMOTE_UNREACHABLE: 'the server cannot be reached',
  REMOTE_ERROR: 'the server refused the request',
  AUDIT_CHAIN_BROKEN: 'the audit log does not verify',
  BATCH_INCOMPLETE: 'some devices of the batch were refused',
} as const;
export type CliErrorCode = keyof typeof CLI_ERRORS;

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(readonly code: CliErrorCode | string, message?: string) {
    super(message ?? CLI_ERRORS[code as CliErrorCode] ?? code);
  }
}

/** Flags that parse but do not fit together (commander checks each flag alone): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** ENOENT, EACCES...: the message names the syscall and the path, which is what the user needs. */
function isFileSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).path === 'string';
}

/** Exit code and stderr text for anything a command threw. */
export function describeError(e: unknown, debug: boolean): { exitCode: number; text: string } {
  if (e instanceof CommanderError) {
    // commander has already printed its message (or the help text).
    const helpOnly = e.code === 'commander.helpDisplayed' || e.code === 'commander.version';
    return { exitCode: helpOnly ? EXIT.ok : EXIT.usage, text: '' };
  }
  if (e instanceof UsageError) return { exitCode: EXIT.usage, text: `error: ${e.message}\n` };
  if (e instanceof ConfigError) return { exitCode: EXIT.failed, text: `error CONFIG_INVALID: ${e.message}\n` };
  if (e instanceof ServiceError || e instanceof CliError || isPkiError(e)) {
    return { exitCode: EXIT.failed, text: `error ${e.code}: ${e.message}\n` };
  }
  if (isFileSystemError(e)) return { exitCode: EXIT.failed, text: `error FILE_ERROR: ${e.message}\n` };
  // Not one of ours: a bug or an outage. The stack helps only with FLEETPKI_DEBUG.
  const text = e instanceof Error ? (debug ? e.stack ?? e.message : e.message) : String(e);
  return { exitCode: EXIT.failed, text: `error INTERNAL: ${text}\n` };
}
