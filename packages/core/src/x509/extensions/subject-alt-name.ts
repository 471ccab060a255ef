/**
 *   SubjectAltName ::= GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName  (RFC 5280 4.2.1.6)
 * Critical when the subject is empty (4.2.1.6: "MUST mark ... critical").
 */
import { readRoot } from '../../der/reader.js';
import { encodeGeneralNames, type GeneralName, parseGeneralNames } from '../general-name.js';

export const encodeSubjectAltName = (names: readonly GeneralName[]): Buffer => encodeGeneralNames(names);
export const parseSubjectAltName = (der: Uint8Array): GeneralName[] => parseGeneralNames(readRoot(der));
