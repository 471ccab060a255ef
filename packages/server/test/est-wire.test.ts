/**
 * The EST wire helpers alone: body decoding (every form real clients send), media types,
 * paths, Basic credentials, and the TLS server certificate's lifecycle (issued once,
 * reloaded, re-issued when the names change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDeployment, parseConfig } from '../src/index.js';
import { basicCredentials } from '../src/est/credentials.js';
import { parseEstPath } from '../src/est/handler.js';
import { decodeBase64Body, encodeBase64Body, mediaTypeOf } from '../src/est/media.js';
import { ensureServerCredentials, subjectAltNamesOf } from '../src/tls-certificate.js';

const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
const b64 = der.toString('base64');

test('request bodies: one line, 64 and 76 columns, CRLF, trailing newline, no padding, PEM all decode to the same bytes', () => {
  const wrap = (n: number, eol: string) => b64.match(new RegExp(`.{1,${n}}`, 'g'))!.join(eol);
  for (const body of [b64, wrap(64, '\n'), wrap(76, '\r\n') + '\r\n', ` ${b64}\n\n`, b64.replace(/=+$/, ''),
    `-----BEGIN CERTIFICATE REQUEST-----\n${wrap(64, '\n')}\n-----END CERTIFICATE REQUEST-----\n`]) {
    assert.deepEqual(decodeBase64Body(Buffer.from(body)), der, JSON.stringify(body.slice(0, 20)));
  }
});

test('request bodies that are not base64 are null', () => {
  for (const body of ['', '   \n', 'not base64!', 'AAAA=AAA', 'A', 'AAAAA', '\u00e9t\u00e9']) assert.equal(decodeBase64Body(Buffer.from(body)), null, body);
});

test('answers are base64 in 64-column lines ending in LF', () => {
  const text = encodeBase64Body(der).toString();
  assert.deepEqual(text.split('\n').map((l) => l.length), [64, 64, 8, 0]); // 136 characters of base64 for 100 bytes
  assert.equal(Buffer.from(text.replace(/\n/g, ''), 'base64').toString('hex'), der.toString('hex'));
});

test('media type: case-insensitive, parameters and spaces ignored', () => {
  assert.equal(mediaTypeOf('Application/PKCS10; charset=utf-8'), 'application/pkcs10');
  assert.equal(mediaTypeOf(' application/pkcs10 '), 'application/pkcs10');
  assert.equal(mediaTypeOf(undefined), '');
});

test('paths: operation with or without a label; anything else is null', () => {
  assert.deepEqual(parseEstPath('/.well-known/est/cacerts'), { label: null, operation: 'cacerts' });
  assert.deepEqual(parseEstPath('/.well-known/est/sensors/simpleenroll?x=1'), { label: 'sensors', operation: 'simpleenroll' });
  for (const p of ['/.well-known/est/', '/.well-known/est/a/b/cacerts', '/.well-known/est/sensors/enroll', '/.well-known/est/cacerts/cacerts', '/.well-known/est/%2e%2e/cacerts']) {
    assert.equal(parseEstPath(p), null, p);
  }
});

test('Basic credentials: device id and secret split at the first colon; malformed headers are null', () => {
  const h = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  assert.deepEqual(basicCredentials(h('sensor-1:se:cret')), { deviceId: 'sensor-1', secret: 'se:cret' });
  assert.deepEqual(basicCredentials(`basic  ${Buffer.from('a:b').toString('base64')}`), { deviceId: 'a', secret: 'b' });
  for (const bad of [undefined, 'Bearer x', h('nocolon'), h(':secret'), 'Basic !!!']) assert.equal(basicCredentials(bad), null, String(bad));
});

test('TLS server certificate: issued on first start under gateway-server, loaded after, re-issued when the names change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-tlscert-'));
  const d = await openDeployment({ config: parseConfig({ dataDir: dir, logLevel: 'silent' }), env: {}, initialize: true });
  try {
    const first = await ensureServerCredentials(d.ca, dir, ['localhost', '127.0.0.1'], d.keySeal);
    assert.equal(first.issued, true);
    const x = new X509Certificate(first.credentials.certPem);
    assert.equal(x.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
    assert.equal(x.checkPrivateKey(d.keySeal.open(readFileSync(join(dir, 'tls', 'server.key.pem'), 'utf8'))), true);
    const records = await d.store.searchCertificates({ profile: 'gateway-server', limit: 10 });
    assert.equal(records.items.length, 1);
    const again = await ensureServerCredentials(d.ca, dir, ['localhost', '127.0.0.1'], d.keySeal);
    assert.deepEqual([again.issued, again.credentials.certPem], [false, first.credentials.certPem]);
    const renamed = await ensureServerCredentials(d.ca, dir, ['est.example.com', '10.0.0.5'], d.keySeal);
    assert.equal(renamed.issued, true);
    assert.equal(new X509Certificate(renamed.credentials.certPem).subjectAltName, 'DNS:est.example.com, IP Address:10.0.0.5');
  } finally {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SANs: IPs as iPAddress, names as dNSName, localhost added when only IPs are given', () => {
  assert.deepEqual(subjectAltNamesOf(['10.0.0.5', '::1']), [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '10.0.0.5' }, { type: 'ip', value: '::1' }]);
});
