/** Time (RFC 5280 4.1.2.5): the DER forms only, read from the octets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PkiError } from '../src/index.js';
import { readRoot } from '../src/der/reader.js';
import { tlv, TAG } from '../src/der/writer.js';
import { parseTime } from '../src/x509/time.js';

const read = (tag: number, text: string): string => {
  try { return parseTime(readRoot(tlv(tag, Buffer.from(text, 'latin1')))).toISOString(); } catch (e) { if (e instanceof PkiError) return e.code; throw e; }
};

test('UTCTime: years 50-99 are 19xx, 00-49 are 20xx (4.1.2.5.1)', () => {
  assert.equal(read(TAG.UTC_TIME, '491231235959Z'), '2049-12-31T23:59:59.000Z');
  assert.equal(read(TAG.UTC_TIME, '500101000000Z'), '1950-01-01T00:00:00.000Z');
});

test('GeneralizedTime: four-digit years (4.1.2.5.2)', () => {
  assert.equal(read(TAG.GENERALIZED_TIME, '20500101000000Z'), '2050-01-01T00:00:00.000Z');
  assert.equal(read(TAG.GENERALIZED_TIME, '19991231235959Z'), '1999-12-31T23:59:59.000Z');
});

test('anything but the DER forms, or a date that does not exist, is BAD_DER', () => {
  for (const [tag, text] of [
    [TAG.UTC_TIME, '300230000000Z'], [TAG.UTC_TIME, '301231240000Z'], [TAG.UTC_TIME, '301231236000Z'], [TAG.UTC_TIME, '301231235960Z'],
    [TAG.UTC_TIME, '3012312359Z'], [TAG.UTC_TIME, '301231235959+0000'], [TAG.UTC_TIME, '30123123595Z9'], [TAG.UTC_TIME, '30123123595aZ'],
    [TAG.UTC_TIME, '20301231235959Z'], [TAG.GENERALIZED_TIME, '301231235959Z'], [TAG.GENERALIZED_TIME, '20301231235959.5Z'],
    [TAG.GENERALIZED_TIME, '00500101000000Z'], [TAG.GENERALIZED_TIME, '2030123123595 Z'], [TAG.OCTET_STRING, '301231235959Z'],
    [TAG.UTC_TIME, '301300000000Z'], [TAG.UTC_TIME, '300000000000Z'],
  ] as const) assert.equal(read(tag, text), 'BAD_DER', text);
});
