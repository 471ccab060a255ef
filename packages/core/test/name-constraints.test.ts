import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsWithin, emailWithin, ipWithin, uriWithin, findNameConstraintViolation } from '../src/x509/name-constraints-check.js';
import { parseNameString } from '../src/index.js';

test('dNSName: labels may be added on the left (RFC 5280 4.2.1.10)', () => {
  assert.equal(dnsWithin('a.example.com', 'example.com'), true);
  assert.equal(dnsWithin('example.com', 'example.com'), true);
  assert.equal(dnsWithin('badexample.com', 'example.com'), false);
  assert.equal(dnsWithin('example.com', '.example.com'), false);
  assert.equal(dnsWithin('A.EXAMPLE.COM', 'example.com'), true);
});

test('URI: the host is compared; a leading dot means subdomains only', () => {
  assert.equal(uriWithin('device://cm1.example.com/d1', 'cm1.example.com'), true);
  assert.equal(uriWithin('device://x.cm1.example.com/d1', 'cm1.example.com'), false);
  assert.equal(uriWithin('device://x.cm1.example.com/d1', '.cm1.example.com'), true);
  assert.equal(uriWithin('urn:uuid:1234', 'cm1.example.com'), false);
  assert.equal(uriWithin('https://user@cm1.example.com:8443/x', 'cm1.example.com'), true);
});

test('rfc822Name and iPAddress', () => {
  assert.equal(emailWithin('a@x.example.com', '.example.com'), true);
  assert.equal(emailWithin('a@example.com', 'example.com'), true);
  assert.equal(emailWithin('a@example.com', 'b@example.com'), false);
  assert.equal(ipWithin('10.1.2.3', '10.1.0.0/16'), true);
  assert.equal(ipWithin('10.2.2.3', '10.1.0.0/16'), false);
  assert.equal(ipWithin('2001:db8::1', '2001:db8::/32'), true);
  assert.equal(ipWithin('10.1.2.3', '2001:db8::/32'), false);
});

test('directory names, excluded subtrees and unconstrained types', () => {
  const nc = { permitted: [{ type: 'dn' as const, value: parseNameString('O=Acme') }], excluded: [{ type: 'dns' as const, value: 'bad.example.com' }] };
  assert.equal(findNameConstraintViolation(nc, parseNameString('CN=d,O=Acme'), []), null);
  assert.equal(findNameConstraintViolation(nc, parseNameString('CN=d,O=Other'), [])?.reason, 'not_permitted');
  assert.equal(findNameConstraintViolation(nc, parseNameString('CN=d,O=Acme'), [{ type: 'dns', value: 'x.bad.example.com' }])?.reason, 'excluded');
  assert.equal(findNameConstraintViolation(nc, parseNameString('CN=d,O=Acme'), [{ type: 'dns', value: 'fine.example.org' }]), null);
});
