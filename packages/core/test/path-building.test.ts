import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPath, type Certificate, type VerifyPathResult } from '../src/index.js';
import { cert, node, NOW } from './path-fixtures.js';

const code = (r: VerifyPathResult): string => (r.ok ? 'OK' : `${r.code}@${r.index ?? '-'}`);
const anchor = (c: Certificate) => ({ kind: 'certificate' as const, certificate: c });

test('of two cross-signed issuers with the same name and key, the expired one is skipped', () => {
  const rootA = node('Root A');
  const rootB = node('Root B');
  const caN = node('CA');
  const leafN = node('leaf');
  const expired = cert(caN, rootA, { ca: true, notAfter: new Date('2030-02-01T00:00:00Z') });
  const good = cert(caN, rootB, { ca: true });
  const leaf = cert(leafN, caN);
  const anchors = [anchor(cert(rootA, rootA, { ca: true })), anchor(cert(rootB, rootB, { ca: true }))];
  const r = verifyPath({ leaf, intermediates: [expired, good], anchors, now: NOW, usage: 'any' });
  assert.ok(r.ok);
  assert.equal(r.path[1]!.der, good.der);
  // With only the expired cross-sign, the best path reached an anchor's key but the CA expired.
  assert.equal(code(verifyPath({ leaf, intermediates: [expired], anchors, now: NOW, usage: 'any' })), 'CERT_EXPIRED@1');
});

test('a candidate whose SKI matches the AKI is tried first', () => {
  const rootN = node('Root');
  const caN = node('CA');
  const decoyN = { ...node('CA') };
  const leafN = node('leaf');
  const root = cert(rootN, rootN, { ca: true });
  const decoy = cert(decoyN, rootN, { ca: true });
  const ca = cert(caN, rootN, { ca: true });
  const r = verifyPath({ leaf: cert(leafN, caN), intermediates: [decoy, ca], anchors: [anchor(root)], now: NOW, usage: 'any' });
  assert.ok(r.ok);
  assert.equal(r.signatureChecks, 2);
});

test('a loop of intermediates that never reaches an anchor ends, with ISSUER_NOT_FOUND or UNTRUSTED_ROOT', () => {
  const aN = node('A');
  const bN = node('B');
  const leafN = node('leaf');
  const ab = cert(aN, bN, { ca: true });
  const ba = cert(bN, aN, { ca: true });
  const other = node('Other');
  const r = verifyPath({ leaf: cert(leafN, aN), intermediates: [ab, ba], anchors: [anchor(cert(other, other, { ca: true }))], now: NOW, usage: 'any' });
  assert.equal(code(r), 'ISSUER_NOT_FOUND@2');
  const selfSigned = cert(aN, aN, { ca: true });
  assert.equal(code(verifyPath({ leaf: cert(leafN, aN), intermediates: [selfSigned], anchors: [], now: NOW, usage: 'any' })), 'UNTRUSTED_ROOT@1');
});

test('a hostile mesh of same-named CAs runs out of budget instead of exploding', () => {
  // 12 CAs that all share one name and cross-certify each other: every pair is a candidate edge.
  const names = Array.from({ length: 12 }, () => node('Mesh CA'));
  const mesh: Certificate[] = [];
  for (const s of names) for (const i of names) if (s !== i) mesh.push(cert(s, i, { ca: true }));
  const leaf = cert(node('leaf'), names[0]!);
  const root = node('Root');
  const r = verifyPath({ leaf, intermediates: mesh, anchors: [anchor(cert(root, root, { ca: true }))], now: NOW, usage: 'any' });
  assert.equal(code(r), 'BUDGET_EXCEEDED@-');
  const small = verifyPath({ leaf, intermediates: mesh, anchors: [anchor(cert(root, root, { ca: true }))], now: NOW, usage: 'any', budget: { maxCandidates: 5 } });
  assert.equal(small.ok ? '' : small.message, 'path building gave up: the signature, depth or candidate budget ran out: maxCandidates');
});

test('a long chain beyond maxDepth is refused with BUDGET_EXCEEDED', () => {
  const rootN = node('Root');
  const chain = [rootN, ...Array.from({ length: 6 }, (_, i) => node(`CA ${i}`))];
  const inters = chain.slice(1).map((n, i) => cert(n, chain[i]!, { ca: true }));
  const leaf = cert(node('leaf'), chain[chain.length - 1]!);
  const input = { leaf, intermediates: inters, anchors: [anchor(cert(rootN, rootN, { ca: true }))], now: NOW, usage: 'any' as const };
  assert.equal(code(verifyPath(input)), 'OK');
  const r = verifyPath({ ...input, budget: { maxDepth: 5 } });
  assert.equal(r.ok ? 'OK' : r.code, 'BUDGET_EXCEEDED');
});
