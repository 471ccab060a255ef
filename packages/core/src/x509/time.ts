/**
 *   Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }   (RFC 5280 4.1.2.5)
 * DER forms only: YYMMDDHHMMSSZ (years 50-99 are 19xx) and YYYYMMDDHHMMSSZ.
 */
import { PkiError } from '../errors.js';
import { content, type Tlv } from '../der/reader.js';
import { TAG } from '../der/writer.js';

export function parseTime(t: Tlv): Date {
  const s = Buffer.from(content(t)).toString('latin1');
  let m: RegExpMatchArray | null;
  let year: number;
  if (t.tag === TAG.UTC_TIME && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/))) {
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (t.tag === TAG.GENERALIZED_TIME && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/))) {
    year = Number(m[1]);
  } else throw new PkiError('BAD_DER', `bad Time "${s}"`);
  const [mo, d, h, mi, se] = m.slice(2, 7).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    throw new PkiError('BAD_DER', `invalid date "${s}"`);
  }
  return date;
}
