/**
 *   Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }   (RFC 5280 4.1.2.5)
 * DER forms only: YYMMDDHHMMSSZ (years 50-99 are 19xx) and YYYYMMDDHHMMSSZ. Read from the
 * octets without building strings: a million-entry CRL holds a million of them.
 */
import { PkiError } from '../errors.js';
import { content, type Tlv } from '../der/reader.js';
import { TAG } from '../der/writer.js';

const bad = (c: Uint8Array, why: string): PkiError =>
  new PkiError('BAD_DER', `${why} "${Buffer.from(c.buffer, c.byteOffset, Math.min(c.length, 32)).toString('latin1')}"`);

/** The decimal value of b[i .. i+n), or -1 if any octet is not a digit. */
function decimal(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = (b[k] as number) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export function parseTime(t: Tlv): Date {
  const { buf: b, contentStart: s, end } = t;
  const utc = t.tag === TAG.UTC_TIME;
  if (!(utc ? end - s === 13 : t.tag === TAG.GENERALIZED_TIME && end - s === 15) || b[end - 1] !== 0x5a) throw bad(content(t), 'bad Time');
  const y = decimal(b, s, utc ? 2 : 4);
  const p = s + (utc ? 2 : 4);
  const mo = decimal(b, p, 2);
  const d = decimal(b, p + 2, 2);
  const h = decimal(b, p + 4, 2);
  const mi = decimal(b, p + 6, 2);
  const se = decimal(b, p + 8, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) throw bad(content(t), 'bad Time');
  const year = utc ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  // Date.UTC maps years 0-99 to 1900-1999; such GeneralizedTimes are refused rather than misread.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    throw bad(content(t), 'invalid date');
  }
  return date;
}
