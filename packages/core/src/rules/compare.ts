/**
 * How the rule language orders two values. Every value is a string (attributes are
 * strings); its shape decides the order, never the quotes around a literal:
 *
 *   both version-shaped (^\d+(\.\d+)*$)  segment by segment, numerically; missing
 *                                        segments are 0, so "2.10" > "2.9", "2.4" == "2.4.0"
 *   else both decimal (^-?\d+(\.\d+)?$)  as exact decimal numbers: "-1.5" < "-1", "-0" == "0"
 *   otherwise                            by Unicode code point
 *
 * `==` and `!=` use the same order, so `a <= b && a >= b` is exactly `a == b`.
 * Everything here scans characters in place: it runs on every MQTT publish, so it
 * allocates nothing and builds no regular expression.
 */

export const VERSION = 1;
export const DECIMAL = 2;
const DOT = 0x2e;
const MINUS = 0x2d;
const ZERO = 0x30;

const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** VERSION | DECIMAL bits: "2" and "2.5" are both, "2.5.1" a version, "-2" a decimal, "" and "2a" neither. */
export function shapeOf(s: string): number {
  const n = s.length;
  const negative = n > 0 && s.charCodeAt(0) === MINUS;
  let i = negative ? 1 : 0;
  let segments = 0;
  for (;;) {
    const start = i;
    while (i < n && isDigitCode(s.charCodeAt(i))) i++;
    if (i === start) return 0;
    segments++;
    if (i === n) break;
    if (s.charCodeAt(i) !== DOT) return 0;
    i++;
  }
  return (negative ? 0 : VERSION) | (segments <= 2 ? DECIMAL : 0);
}

/** Two runs of digits as unsigned integers of any length: leading zeros stripped, then length, then digits. */
function compareDigitRuns(a: string, as: number, ae: number, b: string, bs: number, be: number): number {
  while (as < ae && a.charCodeAt(as) === ZERO) as++;
  while (bs < be && b.charCodeAt(bs) === ZERO) bs++;
  if (ae - as !== be - bs) return ae - as < be - bs ? -1 : 1;
  for (; as < ae; as++, bs++) {
    const x = a.charCodeAt(as);
    const y = b.charCodeAt(bs);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const segmentEnd = (s: string, i: number): number => {
  while (i < s.length && s.charCodeAt(i) !== DOT) i++;
  return i;
};

export function compareVersions(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const ie = segmentEnd(a, i);
    const je = segmentEnd(b, j);
    const c = compareDigitRuns(a, i, ie, b, j, je);
    if (c !== 0) return c;
    i = Math.min(ie + 1, a.length);
    j = Math.min(je + 1, b.length);
  }
  return 0;
}

function isZero(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== ZERO && c !== DOT && c !== MINUS) return false;
  }
  return true;
}

/** |a| against |b| for decimals: integer parts, then fractions digit by digit padded with 0. */
function compareMagnitudes(a: string, b: string): number {
  const as = a.charCodeAt(0) === MINUS ? 1 : 0;
  const bs = b.charCodeAt(0) === MINUS ? 1 : 0;
  const ae = segmentEnd(a, as);
  const be = segmentEnd(b, bs);
  const c = compareDigitRuns(a, as, ae, b, bs, be);
  if (c !== 0) return c;
  for (let i = ae + 1, j = be + 1; i < a.length || j < b.length; i++, j++) {
    const x = i < a.length ? a.charCodeAt(i) : ZERO;
    const y = j < b.length ? b.charCodeAt(j) : ZERO;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function compareDecimals(a: string, b: string): number {
  const sa = isZero(a) ? 0 : a.charCodeAt(0) === MINUS ? -1 : 1;
  const sb = isZero(b) ? 0 : b.charCodeAt(0) === MINUS ? -1 : 1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const m = compareMagnitudes(a, b);
  return sa < 0 ? -m : m;
}

/**
 * Code point order. UTF-16 code units order U+E000..U+FFFF above the surrogates that
 * encode U+10000 and up; shifting both ranges (ICU's fix-up) restores code point order.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** -1, 0 or 1; `sa` and `sb` are the shapeOf() bits, computed once where a value is fixed. */
export function compareValues(a: string, sa: number, b: string, sb: number): number {
  const common = sa & sb;
  if ((common & VERSION) !== 0) return compareVersions(a, b);
  if ((common & DECIMAL) !== 0) return compareDecimals(a, b);
  return a === b ? 0 : compareCodePoints(a, b);
}
