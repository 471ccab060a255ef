/**
 * serverkeygen policy (RFC 7030 4.4): the EST server generates the device's key, and this
 * decides, before anything is issued, whether it may and how the key must travel.
 *
 * - Manual-approval groups refuse it (SERVERKEYGEN_NOT_ALLOWED): the 202 retry would come
 *   back with a new key and so a new CSR, a new pending request each time, and holding the
 *   generated key for an administrator's decision would keep device private keys at rest
 *   on the CA. Devices of manual groups generate their key and use simpleenroll.
 * - 'required' encryption (the default) sends the key as CMS EnvelopedData (RFC 7030 4.4.2,
 *   RFC 5958 4) for the credential the device proved: PasswordRecipientInfo keyed by its
 *   one-time secret (RFC 3211), or its client certificate's key (RSA: KeyTransRecipientInfo;
 *   P-256 / P-384: KeyAgreeRecipientInfo, RFC 5753). A certificate with any other key cannot
 *   receive it: SERVERKEYGEN_ENCRYPTION_UNAVAILABLE. 'none' sends the PKCS#8 inside TLS only.
 */
import { readRecipientCertificate } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { EnrollmentGroupRecord } from '../ports/enrollment-store.js';
import type { EnrollRequest, KeyEncryption } from './types.js';

export function serverKeygenEncryption(group: EnrollmentGroupRecord, auth: EnrollRequest['auth']): KeyEncryption {
  if (group.approval === 'manual') throw new ServiceError('SERVERKEYGEN_NOT_ALLOWED', undefined, { group: group.label, approval: group.approval });
  if (group.serverKeygenEncryption === 'none') return 'none';
  if (auth.kind === 'secret') return 'password';
  const leaf = auth.kind === 'certificate' ? auth.chain[0] : undefined;
  if (leaf !== undefined && readRecipientCertificate(leaf).keyKind !== null) return 'certificate';
  throw new ServiceError('SERVERKEYGEN_ENCRYPTION_UNAVAILABLE', undefined, { group: group.label });
}
