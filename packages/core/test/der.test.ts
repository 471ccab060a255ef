import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRoot, readTlv, children, checkDepth } from '../src/der/reader.js';
import { namedBits, sequence, smallInteger, time, unsignedInteger, oid } from '../src/der/writer.js';
import { decodeOid, encodeOid } from '../src/der/oid.js';
import { PkiError } from '../src/errors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as PkiError).code; } return 'NO_ERROR'; };

test('INTEGER encodings are minimal and positive (X.690 8.3)', () => {
  assert.equal(hex(smallInteger(0)), '020100');
  assert.equal(hex(smallInteger(127)), '02017f');
  assert.equal(hex(smallInteger(128)), '02020080');
  assert.equal(hex(unsignedInteger(Buffer.from('0000ff', 'hex'))), '020200ff');
  assert.equal(hex(unsignedInteger(Buffer.from('7f01', 'hex'))), '02027f01');
});

test('OIDs round-trip, including large arcs', () => {
  for (const o of ['1.2.840.10045.4.3.2', '2.5.29.17', '1.3.6.1.5.5.7.8.4', '2.999.1', '0.9.2342.19200300.100.1.25']) {
    assert.equal(decodeOid(encodeOid(o)), o);
  }
  assert.equal(hex(oid('1.2.840.10045.2.1')), '06072a8648ce3d0201');
});

test('Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
  assert.equal(Buffer.from(time(new Date('2049-12-31T23:59:59Z'))).toString('latin1').slice(2), '491231235959Z');
  assert.equal(Buffer.from(time(new Date('2050-01-01T00:00:00Z'))).toString('latin1').slice(2), '20500101000000Z');
});

test('KeyUsage named bits drop trailing zeros (X.690 11.2.2)', () => {
  assert.equal(hex(namedBits([0])), '03020780'); // digitalSignature
  assert.equal(hex(namedBits([5, 6])), '03020106'); // keyCertSign, cRLSign
  assert.equal(hex(namedBits([0, 8])), '0303078080'); // digitalSignature, decipherOnly
});

test('the reader refuses non-DER and hostile lengths with BAD_DER', () => {
  assert.equal(code(() => readRoot(Buffer.from('3080', 'hex'))), 'BAD_DER'); // indefinite length
  assert.equal(code(() => readRoot(Buffer.from('308101' + '05', 'hex'))), 'BAD_DER'); // non-minimal long form
  assert.equal(code(() => readRoot(Buffer.from('3005020100', 'hex'))), 'BAD_DER'); // runs past the buffer
  assert.equal(code(() => readRoot(Buffer.from('30840fffffff00', 'hex'))), 'BAD_DER'); // 256 MiB claimed
  assert.equal(code(() => readRoot(Buffer.from('3000ff', 'hex'))), 'BAD_DER'); // trailing data
  assert.equal(code(() => readRoot(Buffer.from('1f8101', 'hex'))), 'BAD_DER'); // high tag number
  assert.equal(code(() => readRoot(Buffer.alloc(2 << 20))), 'INPUT_TOO_LARGE');
});

test('nesting deeper than the limit is refused before any semantic parsing', () => {
  let der: Buffer = Buffer.from('0500', 'hex');
  for (let i = 0; i < 40; i++) der = sequence(der);
  assert.equal(code(() => checkDepth(readRoot(der))), 'BAD_DER');
  let shallow: Buffer = Buffer.from('0500', 'hex');
  for (let i = 0; i < 10; i++) shallow = sequence(shallow);
  checkDepth(readRoot(shallow));
});

test('children() walks exactly the content of a SEQUENCE', () => {
  const t = readRoot(sequence(smallInteger(1), smallInteger(2)));
  assert.deepEqual(children(t).map((c) => c.tag), [0x02, 0x02]);
  assert.equal(readTlv(t.buf, 0).end, t.buf.length);
});

test('OID arcs past 2^53 (UUID arcs, X.667) decode exactly', () => {
  const uuidArc = '2.25.329800735698586629295641978511506172918';
  assert.equal(decodeOid(encodeOid(uuidArc)), uuidArc);
  assert.equal(decodeOid(encodeOid('1.2.9007199254740993')), '1.2.9007199254740993');
  assert.throws(() => decodeOid(Buffer.from('2a80', 'hex')), (e: PkiError) => e.code === 'BAD_DER');
  assert.throws(() => decodeOid(Buffer.from('2a8001', 'hex')), (e: PkiError) => e.code === 'BAD_DER');
});
