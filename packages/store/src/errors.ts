/**
 * The ServiceErrors this adapter raises, all from the table in @fleetpki/ca/errors.ts.
 * Driver errors (constraint violations we do not expect, lost connections) pass through
 * unchanged: they are bugs or outages, and the edge shows them as internal errors.
 */
import { ServiceError } from '@fleetpki/ca';

/** A caller passed a value the port rules out (limit out of range, a foreign cursor). */
export function requestInvalid(message: string, detail?: Readonly<Record<string, unknown>>): ServiceError {
  return new ServiceError('REQUEST_INVALID', message, detail);
}
