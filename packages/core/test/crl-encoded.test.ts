import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatEncodedEntries, encodeEntries, encodeTbsCrl, type CrlEntry } from '../src/index.js';

test('entries encoded page by page give the same TBSCertList as one iterable', () => {
  const entries: CrlEntry[] = Array.from({ length: 2500 }, (_, i) => ({
    serial: (0x400000 + i).toString(16), revocationDate: new Date(Date.UTC(2030, 0, 1, 0, 0, i % 60)),
    reason: i % 3 === 0 ? 'keyCompromise' : null, invalidityDate: null,
  }));
  const fields = { issuer: { subjectDer: Buffer.from('3000', 'hex'), keyId: Buffer.alloc(20, 1) }, thisUpdate: new Date('2030-01-02T00:00:00Z'), nextUpdate: new Date('2030-01-03T00:00:00Z'), crlNumber: 7n };
  const whole = encodeTbsCrl({ ...fields, entries }, 'ecdsa-with-SHA256');
  const pages = [entries.slice(0, 1000), entries.slice(1000, 2000), entries.slice(2000)].map((p) => encodeEntries(p, false));
  assert.deepEqual(encodeTbsCrl({ ...fields, entries: concatEncodedEntries(pages) }, 'ecdsa-with-SHA256'), whole);
});
