/**
 * A CA certificate's signature, checked once across verifyPath calls when the caller passes
 * the same objects (a gateway's intermediates): the next call verifies the leaf only. A
 * caller that rewrote the bytes under the object gets a fresh check, never the old answer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCertificate, verifyPath, type Certificate } from '../src/index.js';
import { NOW, cert, simpleChain } from './path-fixtures.js';

const anchor = (c: Certificate) => ({ kind: 'certificate' as const, certificate: c });

test('the issuing CA\'s signature is verified once for the same objects; a new leaf is verified each time', () => {
  const { root, ca, caN, leafN } = simpleChain();
  const first = verifyPath({ leaf: cert(leafN, caN), intermediates: [ca], anchors: [anchor(root)], now: NOW, usage: 'any' });
  const second = verifyPath({ leaf: cert(leafN, caN), intermediates: [ca], anchors: [anchor(root)], now: NOW, usage: 'any' });
  assert.ok(first.ok && second.ok);
  assert.deepEqual([first.signatureChecks, second.signatureChecks], [2, 1]);
});

test('bytes rewritten under a remembered CA certificate are verified again', () => {
  const { root, ca, caN, leafN } = simpleChain();
  const der = Buffer.from(ca.der);
  const mine = parseCertificate(der);
  assert.ok(verifyPath({ leaf: cert(leafN, caN), intermediates: [mine], anchors: [anchor(root)], now: NOW, usage: 'any' }).ok);
  const at = der.length - 2;
  if (Buffer.from(mine.signature).equals(Buffer.from(ca.signature))) der[at] = der[at]! ^ 0x01;
  const again = verifyPath({ leaf: cert(leafN, caN), intermediates: [mine], anchors: [anchor(root)], now: NOW, usage: 'any' });
  assert.ok(!again.ok, 'not the remembered answer');
  assert.equal(again.ok ? '' : again.code, 'SIGNATURE_INVALID');
});
