import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pooledRandom } from '../src/index.js';

test('pooled randomness: the requested length, never the same bytes twice, across refills', () => {
  const r = pooledRandom(64);
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const b = r.bytes(16);
    assert.equal(b.length, 16);
    const hex = Buffer.from(b).toString('hex');
    assert.ok(!seen.has(hex));
    seen.add(hex);
  }
  assert.equal(r.bytes(100).length, 100); // larger than the pool
});
