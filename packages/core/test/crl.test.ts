/**
 * CRLs (RFC 5280 section 5): built with our writer, read back with our parser field by
 * field, compared with the general encoders, and judged by OpenSSL as a relying party.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import {
  algorithmIdentifier, buildCrl, encodeTbsCrl, fromPem, parseCrl, PkiError, type CrlEntry, type CrlFields,
} from '../src/index.js';
import { sequence, explicit, smallInteger, time, generalizedTime, octetString, oid, boolean, implicitConstructed, implicitPrimitive, smallEnumerated } from '../src/der/writer.js';
import { encodeSerialNumber } from '../src/x509/serial.js';
import { NOW, testCa } from './helpers.js';
import { ATTIME, issueDevice, openssl, scratch, type Issued, type TestCa } from './status-fixtures.js';

const HOUR = 3600_000;
const at = (hours: number): Date => new Date(NOW.getTime() + hours * HOUR);
const CRL_URL = 'http://pki.example/crl/test.crl';
const DELTA_URL = 'http://pki.example/crl/test-delta.crl';

async function codeOf(fn: () => unknown): Promise<string> {
  try { await fn(); } catch (e) { if (e instanceof PkiError) return e.code; throw e; }
  return 'NO_ERROR';
}

function fieldsFor(ca: TestCa, entries: Iterable<CrlEntry>, extra: Partial<CrlFields> = {}): CrlFields {
  return { issuer: { subjectDer: ca.cert.subjectDer, keyId: ca.context.keyId! }, thisUpdate: NOW, nextUpdate: at(24), crlNumber: 7n, entries, ...extra };
}

const ENTRIES: readonly CrlEntry[] = [
  { serial: '01', revocationDate: at(-5), reason: null, invalidityDate: null },
  { serial: '8f00000000000000000000000000000000000001', revocationDate: at(-4), reason: 'keyCompromise', invalidityDate: at(-48) },
  { serial: '4000', revocationDate: at(-3), reason: 'unspecified', invalidityDate: null },
  { serial: '7fffffffffffffff', revocationDate: new Date('2051-01-02T03:04:05Z'), reason: 'certificateHold', invalidityDate: null },
  { serial: 'abc', revocationDate: at(-1), reason: 'cessationOfOperation', invalidityDate: new Date('1999-12-31T23:59:59Z') },
];

describe('buildCrl and parseCrl', () => {
  it('round-trips every field of a full CRL', async () => {
    const ca = await testCa();
    const der = await buildCrl(fieldsFor(ca, ENTRIES, { issuingDistributionPoint: { uri: CRL_URL, onlyContainsUserCerts: true }, freshestCrl: DELTA_URL }), ca.signer);
    const crl = parseCrl(der);
    assert.equal(crl.version, 2);
    assert.deepEqual(Buffer.from(crl.issuerDer), Buffer.from(ca.cert.subjectDer));
    assert.deepEqual([crl.thisUpdate, crl.nextUpdate], [NOW, at(24)]);
    assert.deepEqual([crl.crlNumber, crl.baseCrlNumber], [7n, null]);
    assert.deepEqual(crl.issuingDistributionPoint, { uri: CRL_URL, onlyContainsUserCerts: true });
    assert.equal(crl.freshestCrl, DELTA_URL);
    assert.deepEqual(Buffer.from(crl.authorityKeyIdentifier!), Buffer.from(ca.context.keyId!));
    assert.equal(crl.signatureAlgorithm.algorithm.name, 'ecdsa-with-SHA256');
    assert.deepEqual(crl.extensions.map((e) => [e.oid, e.critical]), [
      ['2.5.29.35', false], ['2.5.29.20', false], ['2.5.29.28', true], ['2.5.29.46', false],
    ]);
    // 'unspecified' is written as no reasonCode (5.3.1), so it reads back as null; serials come back in their DER form.
    assert.deepEqual(crl.entries, [
      ENTRIES[0], ENTRIES[1], { ...ENTRIES[2], reason: null }, ENTRIES[3], { ...ENTRIES[4], serial: '0abc' },
    ]);
  });

  it('writes the entries exactly as the general writer does', async () => {
    const ca = await testCa();
    const tbs = encodeTbsCrl(fieldsFor(ca, ENTRIES), 'ecdsa-with-SHA256');
    const ext = (id: string, value: Uint8Array, critical = false) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
    const entryExts = (e: CrlEntry) => {
      const exts = [
        ...(e.reason && e.reason !== 'unspecified' ? [ext('2.5.29.21', smallEnumerated({ keyCompromise: 1, certificateHold: 6, cessationOfOperation: 5 }[e.reason as string]!))] : []),
        ...(e.invalidityDate ? [ext('2.5.29.24', generalizedTime(e.invalidityDate))] : []),
      ];
      return exts.length > 0 ? [sequence(...exts)] : [];
    };
    const expected = sequence(
      smallInteger(1), algorithmIdentifier('ecdsa-with-SHA256'), ca.cert.subjectDer, time(NOW), time(at(24)),
      sequence(...ENTRIES.map((e) => sequence(encodeSerialNumber(e.serial), time(e.revocationDate), ...entryExts(e)))),
      explicit(0, sequence(ext('2.5.29.35', sequence(implicitPrimitive(0, ca.context.keyId!))), ext('2.5.29.20', smallInteger(7)))),
    );
    assert.equal(tbs.toString('hex'), expected.toString('hex'));
  });

  it('encodes as @peculiar/asn1-x509 re-encodes it (full and delta)', async () => {
    const ca = await testCa();
    for (const extra of [{ freshestCrl: DELTA_URL }, { baseCrlNumber: 5n, issuingDistributionPoint: { uri: CRL_URL } }]) {
      const der = await buildCrl(fieldsFor(ca, ENTRIES, extra), ca.signer);
      assert.deepEqual(Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, CertificateList))), der);
    }
  });

  it('omits revokedCertificates when there are no entries (5.1.2.6)', async () => {
    const ca = await testCa();
    const crl = parseCrl(await buildCrl(fieldsFor(ca, []), ca.signer));
    assert.deepEqual(crl.entries, []);
    const tbs = AsnConvert.parse(crl.der, CertificateList).tbsCertList;
    assert.equal(tbs.revokedCertificates, undefined);
  });

  it('streams entries from a generator, consuming it once', async () => {
    const ca = await testCa();
    let pulled = 0;
    function* entries(): Generator<CrlEntry> {
      for (let i = 1; i <= 50_000; i++) { pulled++; yield { serial: i.toString(16), revocationDate: at(-1), reason: i % 2 ? 'superseded' : null, invalidityDate: null }; }
    }
    const crl = parseCrl(await buildCrl(fieldsFor(ca, entries()), ca.signer));
    assert.equal(pulled, 50_000);
    assert.equal(crl.entries.length, 50_000);
    assert.deepEqual(crl.entries[49_999], { serial: 'c350', revocationDate: at(-1), reason: null, invalidityDate: null });
  });

  it('a delta CRL carries a critical DeltaCRLIndicator and may remove a hold', async () => {
    const ca = await testCa();
    const lifted: CrlEntry = { serial: '1234', revocationDate: at(-1), reason: 'removeFromCRL', invalidityDate: null };
    const crl = parseCrl(await buildCrl(fieldsFor(ca, [lifted], { crlNumber: 9n, baseCrlNumber: 8n }), ca.signer));
    assert.deepEqual([crl.crlNumber, crl.baseCrlNumber], [9n, 8n]);
    assert.equal(crl.extensions.find((e) => e.oid === '2.5.29.27')!.critical, true);
    assert.deepEqual(crl.entries, [lifted]);
  });

  it('refuses what RFC 5280 section 5 forbids, with stable codes', async () => {
    const ca = await testCa();
    const one = (e: Partial<CrlEntry>): CrlEntry[] => [{ serial: '01', revocationDate: NOW, reason: null, invalidityDate: null, ...e }];
    const cases: [string, CrlFields, string][] = [
      ['removeFromCRL in a full CRL', fieldsFor(ca, one({ reason: 'removeFromCRL' })), 'CRL_INVALID'],
      ['nextUpdate before thisUpdate', fieldsFor(ca, [], { nextUpdate: at(-1) }), 'CRL_INVALID'],
      ['an invalid date', fieldsFor(ca, one({ revocationDate: new Date(NaN) })), 'CRL_INVALID'],
      ['a delta numbered at its base', fieldsFor(ca, [], { crlNumber: 8n, baseCrlNumber: 8n }), 'CRL_INVALID'],
      ['freshestCrl on a delta', fieldsFor(ca, [], { crlNumber: 9n, baseCrlNumber: 8n, freshestCrl: DELTA_URL }), 'CRL_INVALID'],
      ['a CRL number over 20 octets', fieldsFor(ca, [], { crlNumber: 1n << 160n }), 'CRL_INVALID'],
      ['a negative CRL number', fieldsFor(ca, [], { crlNumber: -1n }), 'CRL_INVALID'],
      ['a URI with a space', fieldsFor(ca, [], { issuingDistributionPoint: { uri: 'http://x/a b' } }), 'CRL_INVALID'],
      ['an upper-case serial', fieldsFor(ca, one({ serial: 'ABCD' })), 'SERIAL_NUMBER_INVALID'],
      ['a serial over 20 octets', fieldsFor(ca, one({ serial: 'ff'.repeat(21) })), 'SERIAL_NUMBER_INVALID'],
      ['an empty serial', fieldsFor(ca, one({ serial: '' })), 'SERIAL_NUMBER_INVALID'],
      ['an unknown reason', fieldsFor(ca, one({ reason: 'lost' as never })), 'CRL_INVALID'],
    ];
    for (const [name, fields, code] of cases) assert.equal(await codeOf(() => buildCrl(fields, ca.signer)), code, name);
  });
});

/** A signed-looking CRL from hand-written parts: the parser's defects, one per case. */
function handmade(ca: TestCa, opts: { crlExts?: Uint8Array[]; entryExts?: Uint8Array[]; version?: number | null; outerAlg?: Uint8Array }): Buffer {
  const entry = sequence(encodeSerialNumber('01'), time(NOW), ...(opts.entryExts ? [sequence(...opts.entryExts)] : []));
  const tbs = sequence(
    ...(opts.version === null ? [] : [smallInteger(opts.version ?? 1)]), algorithmIdentifier('ecdsa-with-SHA256'), ca.cert.subjectDer, time(NOW), time(at(1)),
    sequence(entry), ...(opts.crlExts ? [explicit(0, sequence(...opts.crlExts))] : []),
  );
  return sequence(tbs, opts.outerAlg ?? algorithmIdentifier('ecdsa-with-SHA256'), Buffer.from([0x03, 0x02, 0x00, 0x00]));
}

describe('parseCrl refuses what it cannot use', () => {
  const ext = (id: string, critical: boolean, value: Uint8Array) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const idp = (...fields: Uint8Array[]) => ext('2.5.29.28', true, sequence(...fields));

  it('unknown critical CRL and entry extensions are CRL_UNSUPPORTED_CRITICAL_EXTENSION; non-critical ones are ignored', async () => {
    const ca = await testCa();
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { crlExts: [ext('1.2.3.4', true, Buffer.from([5, 0]))] }))), 'CRL_UNSUPPORTED_CRITICAL_EXTENSION');
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { entryExts: [ext('2.5.29.29', true, sequence())] }))), 'CRL_UNSUPPORTED_CRITICAL_EXTENSION');
    assert.equal(parseCrl(handmade(ca, { crlExts: [ext('1.2.3.4', false, Buffer.from([5, 0]))], entryExts: [ext('1.2.3.5', false, Buffer.from([5, 0]))] })).entries.length, 1);
  });

  it('issuing distribution points that narrow the scope in ways we do not model are refused', async () => {
    const ca = await testCa();
    const name = implicitConstructed(0, implicitConstructed(0, implicitPrimitive(6, Buffer.from(CRL_URL))));
    for (const narrowing of [implicitPrimitive(2, Buffer.from([0xff])), implicitPrimitive(3, Buffer.from([0x07, 0x80])), implicitPrimitive(4, Buffer.from([0xff]))]) {
      assert.equal(await codeOf(() => parseCrl(handmade(ca, { crlExts: [idp(name, narrowing)] }))), 'CRL_UNSUPPORTED_CRITICAL_EXTENSION');
    }
    assert.deepEqual(parseCrl(handmade(ca, { crlExts: [idp(name)] })).issuingDistributionPoint, { uri: CRL_URL, onlyContainsUserCerts: false });
  });

  it('version and signature algorithm rules are CRL_INVALID', async () => {
    const ca = await testCa();
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { version: 2 }))), 'CRL_INVALID');
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { version: null, entryExts: [ext('2.5.29.21', false, smallEnumerated(1))] }))), 'CRL_INVALID');
    assert.equal(parseCrl(handmade(ca, { version: null })).version, 1);
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { outerAlg: algorithmIdentifier('ecdsa-with-SHA384') }))), 'CRL_INVALID');
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { crlExts: [ext('2.5.29.27', false, smallInteger(1))] }))), 'CRL_INVALID');
    assert.equal(await codeOf(() => parseCrl(handmade(ca, { entryExts: [ext('2.5.29.21', false, smallEnumerated(7))] }))), 'BAD_DER');
  });

  it('limits: entries and bytes are INPUT_TOO_LARGE, truncations are BAD_DER', async () => {
    const ca = await testCa();
    const der = await buildCrl(fieldsFor(ca, ENTRIES), ca.signer);
    assert.equal(await codeOf(() => parseCrl(der, { maxEntries: 4 })), 'INPUT_TOO_LARGE');
    assert.equal(parseCrl(der, { maxEntries: 5 }).entries.length, 5);
    assert.equal(await codeOf(() => parseCrl(der, { maxBytes: der.length - 1 })), 'INPUT_TOO_LARGE');
    for (let n = 0; n < der.length; n++) assert.equal(await codeOf(() => parseCrl(der.subarray(0, n))), 'BAD_DER', `length ${n}`);
  });
});

describe('OpenSSL as the relying party', () => {
  it('prints and verifies our CRL, and refuses the revoked certificate only', async () => {
    const ca = await testCa();
    const [revoked, good] = [await issueDevice(ca, 'dev-revoked'), await issueDevice(ca, 'dev-good')];
    const entries: CrlEntry[] = [{ serial: revoked.cert.serial, revocationDate: at(-1), reason: 'keyCompromise', invalidityDate: at(-30) }];
    const der = await buildCrl(fieldsFor(ca, entries, { issuingDistributionPoint: { uri: CRL_URL, onlyContainsUserCerts: true } }), ca.signer);
    const s = scratch('crl');
    const [crlDer, crlPem, caPem] = [s.file('crl.der', der), s.file('crl.pem', der, 'X509 CRL'), s.file('ca.pem', ca.der, 'CERTIFICATE')];

    const text = openssl(['crl', '-inform', 'DER', '-in', crlDer, '-noout', '-text']);
    assert.equal(text.status, 0, text.output);
    for (const line of ['Version 2 (0x1)', 'Signature Algorithm: ecdsa-with-SHA256', 'Last Update: Jun 15 12:00:00 2030 GMT',
      'Next Update: Jun 16 12:00:00 2030 GMT', 'X509v3 CRL Number: 7', 'X509v3 Issuing Distribution Point: critical',
      `URI:${CRL_URL}`, 'Only User Certificates', `Serial Number: ${revoked.cert.serial.toUpperCase()}`, 'Key Compromise',
      'Invalidity Date: Jun 14 06:00:00 2030 GMT']) {
      assert.ok(text.output.replace(/\s+/g, ' ').includes(line), `openssl crl -text shows ${JSON.stringify(line)}:\n${text.output}`);
    }
    const verified = openssl(['crl', '-inform', 'DER', '-in', crlDer, '-CAfile', caPem, '-noout']);
    assert.match(verified.output, /verify OK/);

    const check = (leaf: Buffer) => openssl(['verify', '-attime', ATTIME, '-crl_check', '-CRLfile', crlPem, '-CAfile', caPem, s.file('leaf.pem', leaf, 'CERTIFICATE')]);
    const refused = check(revoked.der);
    assert.notEqual(refused.status, 0);
    assert.match(refused.output, /certificate revoked/);
    const accepted = check(good.der);
    assert.equal(accepted.status, 0, accepted.output);
    assert.match(accepted.output, /: OK/);
  });

  it('combines a full and a delta CRL with -use_deltas: new revocations and a lifted hold', async () => {
    const ca = await testCa();
    const [inFull, inDelta, held, good] = [await issueDevice(ca, 'a'), await issueDevice(ca, 'b'), await issueDevice(ca, 'c'), await issueDevice(ca, 'd')];
    const full = await buildCrl(fieldsFor(ca, [
      { serial: inFull.cert.serial, revocationDate: at(-5), reason: 'superseded', invalidityDate: null },
      { serial: held.cert.serial, revocationDate: at(-5), reason: 'certificateHold', invalidityDate: null },
    ], { crlNumber: 10n, freshestCrl: DELTA_URL }), ca.signer);
    const delta = await buildCrl(fieldsFor(ca, [
      { serial: inDelta.cert.serial, revocationDate: at(-1), reason: 'keyCompromise', invalidityDate: null },
      { serial: held.cert.serial, revocationDate: at(-1), reason: 'removeFromCRL', invalidityDate: null },
    ], { crlNumber: 11n, baseCrlNumber: 10n }), ca.signer);
    const s = scratch('delta');
    const caPem = s.file('ca.pem', ca.der, 'CERTIFICATE');
    const both = s.file('both.pem', [full, delta], 'X509 CRL');
    const fullOnly = s.file('full.pem', full, 'X509 CRL');
    const text = openssl(['crl', '-inform', 'DER', '-in', s.file('delta.der', delta), '-noout', '-text']);
    assert.match(text.output, /X509v3 Delta CRL Indicator: critical\s+10/);
    assert.match(text.output, /Remove From CRL/);
    assert.match(openssl(['crl', '-inform', 'DER', '-in', s.file('delta2.der', delta), '-CAfile', caPem, '-noout']).output, /verify OK/);
    assert.match(openssl(['crl', '-inform', 'DER', '-in', s.file('full.der', full), '-noout', '-text']).output, /X509v3 Freshest CRL:\s+Full Name:\s+URI:http:\/\/pki.example\/crl\/test-delta.crl/);

    const verify = (crls: string, leaf: Issued, deltas: boolean) =>
      openssl(['verify', '-attime', ATTIME, '-crl_check', ...(deltas ? ['-use_deltas'] : []), '-CRLfile', crls, '-CAfile', caPem, s.file(`${leaf.cert.serial}.pem`, leaf.der, 'CERTIFICATE')]);
    assert.match(verify(both, inFull, true).output, /certificate revoked/);
    assert.match(verify(both, inDelta, true).output, /certificate revoked/);
    assert.match(verify(both, good, true).output, /: OK/);
    assert.match(verify(both, held, true).output, /: OK/, 'the delta lifts the hold');
    assert.match(verify(fullOnly, held, false).output, /certificate revoked/, 'without the delta the hold stands');
    assert.match(verify(fullOnly, inDelta, false).output, /: OK/, 'without the delta the new revocation is unknown');
  });

  it('reads a CRL that `openssl ca -gencrl` made', async () => {
    const s = scratch('gencrl');
    const key = `${s.dir}/ca.key`;
    const caPem = `${s.dir}/ca.pem`;
    assert.equal(openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', caPem, '-subj', '/CN=OpenSSL CA', '-days', '30']).status, 0);
    s.file('index.txt', Buffer.from('R\t491231235959Z\t300101000000Z,keyCompromise\t0A1B\tunknown\t/CN=x\nR\t491231235959Z\t300102000000Z\t0C\tunknown\t/CN=y\n'));
    s.file('crlnumber', Buffer.from('1000\n'));
    s.file('ca.cnf', Buffer.from(`[ca]\ndefault_ca=d\n[d]\ndatabase=${s.dir}/index.txt\ncrlnumber=${s.dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=7\ncrl_extensions=ext\n[ext]\nauthorityKeyIdentifier=keyid\n`));
    const out = `${s.dir}/crl.pem`;
    const r = openssl(['ca', '-gencrl', '-config', `${s.dir}/ca.cnf`, '-keyfile', key, '-cert', caPem, '-out', out]);
    assert.equal(r.status, 0, r.output);
    const crl = parseCrl(fromPem(readFileSync(out, 'utf8'), ['X509 CRL']));
    assert.equal(crl.crlNumber, 0x1000n);
    // OpenSSL sorts the entries by serial.
    assert.deepEqual(crl.entries.map((e) => [e.serial, e.revocationDate.toISOString(), e.reason]), [
      ['0c', '2030-01-02T00:00:00.000Z', null], ['0a1b', '2030-01-01T00:00:00.000Z', 'keyCompromise'],
    ]);
    assert.equal(crl.authorityKeyIdentifier?.length, 20);
  });
});
