/**
 * The CRL as the validator reads it (crl/revoked-list.ts via parseCrlForLookup): entries
 * found by serial give exactly what the full parse gives, every entry's outline is still
 * checked, and a CRL reused as the same object is memoised only while its bytes are unchanged.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCrl, checkRevocation, type CrlEntry, parseCrlDetailed, type RevocationResult } from '../src/index.js';
import { parseCrlForLookup } from '../src/crl/parse.js';
import { algorithmIdentifier } from '../src/crypto/algorithms.js';
import { boolean, octetString, oid, sequence, smallInteger, time } from '../src/der/writer.js';
import { NOW, testCa } from './helpers.js';
import { issueDevice, type TestCa } from './status-fixtures.js';

const at = (hours: number): Date => new Date(NOW.getTime() + hours * 3600_000);
const ext = (id: string, critical: boolean, value: Uint8Array) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
const REASON_KEY_COMPROMISE = Buffer.from([0x0a, 0x01, 0x01]);

/** An unsigned v2 CRL of the given raw entries (the parser does not check signatures). */
function rawCrl(ca: TestCa, entries: readonly Uint8Array[]): Buffer {
  const tbs = sequence(smallInteger(1), algorithmIdentifier('ecdsa-with-SHA256'), ca.cert.subjectDer, time(NOW), time(at(1)), sequence(...entries));
  return sequence(tbs, algorithmIdentifier('ecdsa-with-SHA256'), Buffer.from([0x03, 0x02, 0x00, 0x00]));
}
const int = (...octets: number[]) => Buffer.from([0x02, octets.length, ...octets]);
const rawEntry = (serial: Buffer, ...exts: Uint8Array[]) => sequence(serial, time(NOW), ...(exts.length ? [sequence(...exts)] : []));

describe('parseCrlForLookup', () => {
  it('finds each serial with the same entry as parseCrlDetailed, by scan and then by index', async () => {
    const ca = await testCa();
    const entries: CrlEntry[] = Array.from({ length: 40 }, (_, i) => ({
      serial: (0x1000 + i * 7).toString(16), revocationDate: at(-2 - i), reason: i % 3 === 0 ? null : 'keyCompromise', invalidityDate: i % 5 === 0 ? at(-30) : null,
    }));
    const der = await buildCrl({ issuer: { subjectDer: ca.cert.subjectDer, keyId: ca.context.keyId! }, thisUpdate: at(-1), nextUpdate: at(24), crlNumber: 3n, entries }, ca.signer);
    const full = parseCrlDetailed(der);
    const lookup = parseCrlForLookup(der);
    assert.equal(lookup.revoked?.count, 40);
    assert.equal(lookup.revoked?.anyExtensions, true);
    // The first lookup scans, later ones use the index built on the second.
    for (const e of [...full.entries].reverse()) assert.deepEqual(lookup.revoked?.find(e.serial), [e]);
    assert.deepEqual(lookup.revoked?.find('1001'), []);
    assert.deepEqual(lookup.revoked?.all(), full.entries);
    const { revoked, ...header } = lookup;
    const { entries: all, ...fullHeader } = full;
    assert.ok(revoked && all.length === 40);
    assert.deepEqual(header, fullHeader);
  });

  it('an unknown critical extension on any entry is reported, as by the full parse (5.3)', async () => {
    const ca = await testCa();
    const der = rawCrl(ca, [rawEntry(int(1)), rawEntry(int(2), ext('1.2.3.5', true, Buffer.from([5, 0]))), rawEntry(int(3), ext('2.5.29.21', false, REASON_KEY_COMPROMISE))]);
    assert.deepEqual(parseCrlForLookup(der).unsupportedCriticalExtensions, ['1.2.3.5']);
    assert.deepEqual(parseCrlDetailed(der).unsupportedCriticalExtensions, ['1.2.3.5']);
    assert.deepEqual(parseCrlForLookup(der).revoked?.find('03').map((e) => e.reason), ['keyCompromise']);
  });

  it('a malformed value throws when its entry is looked up; a malformed outline throws at once', async () => {
    const ca = await testCa();
    const badDate = sequence(int(2), Buffer.from([0x17, 0x03, 0x41, 0x42, 0x43]));
    const der = rawCrl(ca, [rawEntry(int(1)), badDate]);
    assert.throws(() => parseCrlDetailed(der), { code: 'BAD_DER' });
    const lookup = parseCrlForLookup(der);
    assert.equal(lookup.revoked?.find('01').length, 1);
    assert.throws(() => lookup.revoked?.find('02'), { code: 'BAD_DER' });
    const nonMinimal = rawCrl(ca, [rawEntry(int(0, 5))]);
    assert.throws(() => parseCrlForLookup(nonMinimal).revoked?.find('05'), { code: 'BAD_DER' });
    for (const outline of [sequence(octetString(Buffer.from([1])), time(NOW)), sequence(int(4)), sequence(int(4), time(NOW), sequence(), int(5)), sequence(int(4), time(NOW), sequence(sequence(oid('2.5.29.21'), boolean(true), int(1))))]) {
      assert.throws(() => parseCrlForLookup(rawCrl(ca, [rawEntry(int(1)), outline])), { code: 'BAD_DER' });
    }
    assert.throws(() => parseCrlForLookup(rawCrl(ca, [rawEntry(int(1)), rawEntry(int(2))]), { maxEntries: 1 }), { code: 'INPUT_TOO_LARGE' });
  });

  it('a negative serial matches only the same negative serial (PKITS 4.4.15)', async () => {
    const ca = await testCa();
    const lookup = parseCrlForLookup(rawCrl(ca, [rawEntry(int(0x80)), rawEntry(int(0x00, 0x81))]));
    assert.deepEqual(lookup.revoked?.find('-80').map((e) => e.serial), ['-80']);
    assert.deepEqual(lookup.revoked?.find('80'), []);
    assert.deepEqual(lookup.revoked?.find('81').map((e) => e.serial), ['81']);
    assert.deepEqual(lookup.revoked?.find('-81'), []);
  });
});

describe('CRL memo per input object', () => {
  it('a CRL buffer rewritten by its caller between two checks is read again', async () => {
    const ca = await testCa();
    const device = await issueDevice(ca, 'dev-memo');
    const serial = device.cert.serial;
    const other = serial.slice(0, -1) + (serial.endsWith('0') ? '1' : '0');
    const entry = (s: string): CrlEntry => ({ serial: s, revocationDate: at(-2), reason: 'keyCompromise', invalidityDate: null });
    const make = (s: string) => buildCrl({ issuer: { subjectDer: ca.cert.subjectDer, keyId: ca.context.keyId! }, thisUpdate: at(-1), nextUpdate: at(24), crlNumber: 4n, entries: [entry(s)] }, ca.signer);
    const listsDevice = await make(serial);
    let listsOther = await make(other);
    // ECDSA signatures vary in length by an octet or two; the two CRLs must be the same size.
    for (let i = 0; i < 50 && listsOther.length !== listsDevice.length; i++) listsOther = await make(other);
    assert.equal(listsOther.length, listsDevice.length);
    const buf = Buffer.from(listsOther);
    const check = (): RevocationResult => checkRevocation({ path: [device.cert, ca.cert], pool: [ca.cert], inputs: { crls: [buf], mode: 'require' }, now: NOW, validateSigner: () => false });
    assert.deepEqual(check(), { ok: true });
    assert.deepEqual(check(), { ok: true });
    buf.set(listsDevice);
    assert.deepEqual(check(), { ok: false, code: 'CERT_REVOKED', message: `certificate 0 (serial ${serial}) is revoked`, index: 0 });
  });
});
