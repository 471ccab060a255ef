/**
 * Flags of the revocation commands, each parsed once: attributes (name=value, repeatable),
 * ISO 8601 instants, and the reason and invalidity date every revoke command takes.
 */
import { InvalidArgumentError, type Command } from 'commander';

/** `--attribute batch=B7 --attribute firmware=2.1` -> { batch: 'B7', firmware: '2.1' }. */
export function attributeArg(text: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('expected name=value, e.g. batch=B7');
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
}

/** An ISO 8601 date or instant, e.g. 2031-03-04 or 2031-03-04T05:06:07Z. */
export function isoInstantArg(text: string): Date {
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) throw new InvalidArgumentError('expected an ISO 8601 date or instant, e.g. 2031-03-04T05:06:07Z');
  return at;
}

export interface ReasonFlags {
  readonly reason: string;
  readonly invalidityDate?: Date;
}

export function addReasonOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--reason <reason>', 'RFC 5280 reason: keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise, unspecified')
    .option('--invalidity-date <iso>', 'when the key was, or may have been, compromised (RFC 5280 5.3.2)', isoInstantArg);
}

/** The use case's RevokeInput, and the REST body, from the flags. */
export function revokeInputOf(flags: ReasonFlags): { reason: string; invalidityDate?: Date } {
  return { reason: flags.reason, ...(flags.invalidityDate !== undefined ? { invalidityDate: flags.invalidityDate } : {}) };
}
