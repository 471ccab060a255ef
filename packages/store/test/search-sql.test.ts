/** Unit tests of the pure parts of search and the drivers: bounds, cursors, placeholders. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor } from '../src/cursor.js';
import { toPgPlaceholders } from '../src/pg-driver.js';
import { prefixUpperBound } from '../src/search-sql.js';

describe('prefixUpperBound', () => {
  it('bumps the last code point', () => {
    assert.equal(prefixUpperBound('CN=dev-1'), 'CN=dev-2');
    assert.equal(prefixUpperBound('CN=\u00e9'), 'CN=\u00ea');
    assert.equal(prefixUpperBound('a\u{1F512}'), 'a\u{1F513}');
  });
  it('drops a trailing U+10FFFF and skips the surrogate block', () => {
    assert.equal(prefixUpperBound('ab\u{10FFFF}\u{10FFFF}'), 'ac');
    assert.equal(prefixUpperBound('\u{10FFFF}'), null);
    assert.equal(prefixUpperBound('x\ud7ff'), 'x\ue000');
  });
  it('is greater, byte-wise, than every string with the prefix', () => {
    const upper = Buffer.from(prefixUpperBound('CN=z') ?? '');
    for (const s of ['CN=z', 'CN=z\u{10FFFF}\u{10FFFF}', 'CN=zzzz', 'CN=z\uffff']) assert.ok(Buffer.compare(Buffer.from(s), upper) < 0, s);
    assert.ok(Buffer.compare(Buffer.from('CN={'), upper) >= 0);
  });
});

describe('cursors', () => {
  it('round-trip, and belong to one order', () => {
    assert.deepEqual(decodeCursor(encodeCursor({ order: 'newest', id: 42 }), 'newest'), { order: 'newest', id: 42 });
    const expiry = { order: 'expiry', id: 7, notAfter: 1_900_000_000_000 } as const;
    assert.deepEqual(decodeCursor(encodeCursor(expiry), 'expiry'), expiry);
    assert.throws(() => decodeCursor(encodeCursor(expiry), 'newest'), { code: 'REQUEST_INVALID' });
    assert.throws(() => decodeCursor('%%%', 'newest'), { code: 'REQUEST_INVALID' });
  });
});

describe('toPgPlaceholders', () => {
  it('numbers ? in order, leaving quoted text alone', () => {
    assert.equal(toPgPlaceholders("SELECT ? AS a, '?' AS \"b?\" WHERE x = ? AND y IN (?, ?)"), "SELECT $1 AS a, '?' AS \"b?\" WHERE x = $2 AND y IN ($3, $4)");
  });
});
