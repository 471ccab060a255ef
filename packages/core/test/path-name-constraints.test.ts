import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNameString, verifyPath, type GeneralName, type NameConstraints, type VerifyPathResult } from '../src/index.js';
import { cert, node, NOW } from './path-fixtures.js';
import { implicitConstructed, implicitPrimitive, sequence } from '../src/der/writer.js';
import { encodeExtension } from '../src/x509/extensions/extension.js';

const code = (r: VerifyPathResult): string => (r.ok ? 'OK' : `${r.code}@${r.index ?? '-'}`);

/** Root -> CA (with `nc`) -> leaf (with `san`). */
function check(nc: NameConstraints, san: GeneralName[], leafName = 'leaf'): string {
  const rootN = node('Root');
  const caN = node('CA');
  const root = cert(rootN, rootN, { ca: true });
  const ca = cert(caN, rootN, { ca: true, nameConstraints: nc });
  const leaf = cert(node(leafName), caN, { san });
  return code(verifyPath({ leaf, intermediates: [ca], anchors: [{ kind: 'certificate', certificate: root }], now: NOW, usage: 'any' }));
}

const permit = (...permitted: GeneralName[]): NameConstraints => ({ permitted, excluded: [] });
const exclude = (...excluded: GeneralName[]): NameConstraints => ({ permitted: [], excluded });
const dns = (value: string): GeneralName => ({ type: 'dns', value });
const ip = (value: string): GeneralName => ({ type: 'ip', value });
const email = (value: string): GeneralName => ({ type: 'email', value });
const uri = (value: string): GeneralName => ({ type: 'uri', value });

test('dNSName: permitted adds labels on the left only; excluded wins', () => {
  assert.equal(check(permit(dns('example.com')), [dns('a.b.example.com')]), 'OK');
  assert.equal(check(permit(dns('example.com')), [dns('badexample.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check({ permitted: [dns('example.com')], excluded: [dns('bad.example.com')] }, [dns('x.bad.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(permit(dns('example.com')), [ip('192.0.2.1')]), 'OK');
});

test('dNSName wildcards stand for every name they match (CVE-2025-61727)', () => {
  assert.equal(check(exclude(dns('bar.example.com')), [dns('*.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(permit(dns('foo.example.com')), [dns('*.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(permit(dns('foo.com')), [dns('*.foo.com')]), 'OK');
  assert.equal(check(exclude(dns('a.b.example.com')), [dns('*.example.com')]), 'OK');
});

test('malformed dNSName constraints fail closed', () => {
  assert.equal(check(permit(dns('.example.com')), [dns('a.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@1');
  assert.equal(check(permit(dns('*.example.com')), [dns('a.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@1');
});

test('iPAddress: IPv4 and IPv6 netmasks', () => {
  assert.equal(check(permit(ip('192.0.2.0/24')), [ip('192.0.2.77')]), 'OK');
  assert.equal(check(permit(ip('192.0.2.0/24')), [ip('192.0.3.1')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(exclude(ip('2001:db8::/32')), [ip('2001:db8:1::5')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(exclude(ip('2001:db8::/32')), [ip('2001:db9::5')]), 'OK');
  assert.equal(check(permit(ip('10.0.0.0/8')), [ip('::1')]), 'NAME_CONSTRAINTS_VIOLATED@0');
});

test('rfc822Name: mailbox, host and domain forms; subject emailAddress counts', () => {
  assert.equal(check(permit(email('ops@example.com')), [email('ops@EXAMPLE.com')]), 'OK');
  assert.equal(check(permit(email('ops@example.com')), [email('Ops@example.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(permit(email('example.com')), [email('any@example.com')]), 'OK');
  assert.equal(check(permit(email('example.com')), [email('any@sub.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(permit(email('.example.com')), [email('any@sub.example.com')]), 'OK');
  assert.equal(check(exclude(email('bad@example.com')), [email('bad@example.com')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(exclude(email('bad@example.com')), [], 'leaf,emailAddress=bad@example.com'), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(exclude(email('bad@example.com')), [], 'leaf,emailAddress=good@example.com'), 'OK');
});

test('URI: the host is constrained', () => {
  assert.equal(check(permit(uri('.example.com')), [uri('https://api.example.com/x')]), 'OK');
  assert.equal(check(permit(uri('example.com')), [uri('https://api.example.com/x')]), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(exclude(uri('example.com')), [uri('mqtt://example.com:8883')]), 'NAME_CONSTRAINTS_VIOLATED@0');
});

test('directoryName: the subject must lie under a permitted DN', () => {
  // The fixture names are "CN=<name>": a permitted subtree of CN=leaf allows only that subject.
  assert.equal(check(permit({ type: 'dn', value: parseNameString('CN=leaf') }), []), 'OK');
  assert.equal(check(permit({ type: 'dn', value: parseNameString('CN=other') }), []), 'NAME_CONSTRAINTS_VIOLATED@0');
  assert.equal(check(exclude({ type: 'dn', value: parseNameString('CN=leaf') }), []), 'NAME_CONSTRAINTS_VIOLATED@0');
});

test('subtrees RFC 5280 forbids (a maximum, a non-prefix IP mask) fail closed', () => {
  const rootN = node('Root');
  const caN = node('CA');
  const root = cert(rootN, rootN, { ca: true });
  const run = (subtree: Buffer, san: GeneralName[]): string => {
    const nc = encodeExtension('2.5.29.30', true, sequence(implicitConstructed(0, subtree)));
    const ca = cert(caN, rootN, { ca: true, extra: [nc] });
    const leaf = cert(node('leaf'), caN, { san });
    return code(verifyPath({ leaf, intermediates: [ca], anchors: [{ kind: 'certificate', certificate: root }], now: NOW, usage: 'any' }));
  };
  const dnsBase = implicitPrimitive(2, Buffer.from('example.com'));
  assert.equal(run(sequence(dnsBase), [dns('a.example.com')]), 'OK');
  assert.equal(run(sequence(dnsBase, implicitPrimitive(1, Buffer.from([1]))), [dns('a.example.com')]), 'NAME_CONSTRAINTS_VIOLATED@1');
  assert.equal(run(sequence(implicitPrimitive(7, Buffer.from([192, 0, 2, 0, 255, 255, 255, 0]))), [ip('192.0.2.9')]), 'OK');
  assert.equal(run(sequence(implicitPrimitive(7, Buffer.from([192, 0, 2, 0, 255, 0, 255, 0]))), [ip('192.0.2.9')]), 'NAME_CONSTRAINTS_VIOLATED@1');
});
