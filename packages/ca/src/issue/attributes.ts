/**
 * Certificate attributes (CertificateIntent.attributes): short name/value pairs such as
 * batch or firmware, searched by equality (mass revocation by batch). Names are lower-case
 * identifiers; values are printable text.
 */
import { ServiceError } from '../errors.js';

export const MAX_ATTRIBUTES = 16;
const NAME = /^[a-z][a-z0-9_.-]{0,31}$/;
// Printable: no C0/C1 control characters; 1-128 characters.
const VALUE = /^[^\p{Cc}]{1,128}$/u;

export function checkAttributes(attributes: Readonly<Record<string, string>>, field = 'attributes'): Readonly<Record<string, string>> {
  const entries = Object.entries(attributes);
  if (entries.length > MAX_ATTRIBUTES) throw new ServiceError('REQUEST_INVALID', `${field}: at most ${MAX_ATTRIBUTES}`);
  for (const [name, value] of entries) {
    if (!NAME.test(name)) throw new ServiceError('REQUEST_INVALID', `${field}: name ${JSON.stringify(name)} must be 1-32 of a-z 0-9 _ . - starting with a letter`);
    if (typeof value !== 'string' || !VALUE.test(value)) throw new ServiceError('REQUEST_INVALID', `${field}.${name}: 1-128 printable characters`);
  }
  return Object.freeze(Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
