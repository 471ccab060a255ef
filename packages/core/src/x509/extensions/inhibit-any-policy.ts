/**
 *   InhibitAnyPolicy ::= SkipCerts                                          (RFC 5280 4.2.1.14)
 *   SkipCerts ::= INTEGER (0..MAX)
 */
import { readRoot, readSmallInteger } from '../../der/reader.js';

export const INHIBIT_ANY_POLICY_OID = '2.5.29.54';

export const parseInhibitAnyPolicy = (der: Uint8Array): number => readSmallInteger(readRoot(der), 'InhibitAnyPolicy');
