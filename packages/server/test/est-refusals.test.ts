/**
 * EST bad input over real TLS: each refusal's exact status, headers and text body, its
 * audit entry, and nothing issued; manual approval (202 + Retry-After), rate limits (429 +
 * Retry-After), csrattrs, and proof-of-possession linking to the TLS channel binding on
 * TLS 1.2 (tls-unique) and TLS 1.3 (tls-exporter) from a raw node:tls client.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import { SYSTEM_ACTOR } from '@fleetpki/ca';
import { buildCsr, parseCsrAttrs, parseNameString } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';
import { exec, openEst, type EstFixture } from './est-support.js';

let f: EstFixture;
before(async () => {
  f = await openEst();
  await f.group({ label: 'plain' });
  await f.group({ label: 'manual', approval: 'manual', retryAfterSeconds: 90 });
  await f.group({ label: 'limited', rateLimit: { requests: 1, perSeconds: 3600 } });
  await f.group({ label: 'linked', popLinking: true });
});
after(async () => { await f.close(); });

const pkcs10 = ['-H', 'Content-Type: application/pkcs10'];
const csrB64 = async (cn: string): Promise<string> => (await f.opensslCsr(cn, `/CN=${cn}`)).der.toString('base64');
const issuedCount = async (): Promise<number> => (await f.server.deployment.store.searchCertificates({ profile: 'device-operational', limit: 1000 })).items.length;
const lastAudit = async () => { const all = await f.server.deployment.store.readAudit(0, 100000); return all[all.length - 1]!; };

describe('EST refusals', { timeout: 120_000 }, () => {
  it('415 for another media type, audited; the media type is matched case-insensitively without parameters', async () => {
    const secret = await f.secret('plain', 'sensor-00a1');
    const body = f.file('a1.b64', await csrB64('sensor-00a1'));
    const r = await f.curl('/.well-known/est/plain/simpleenroll', ['-H', 'Content-Type: text/plain', '-u', `sensor-00a1:${secret}`, '--data-binary', `@${body}`]);
    assert.equal(r.status, 415);
    assert.ok(r.rawHeaders.includes('Content-Type: text/plain; charset=utf-8'));
    assert.equal(r.body.toString(), 'UNSUPPORTED_MEDIA_TYPE: the request body media type is not supported\n');
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.outcome, audit.code, (audit.detail as Record<string, unknown>)['answered']], ['est.simpleenroll', 'refused', 'REQUEST_INVALID', 'UNSUPPORTED_MEDIA_TYPE']);
    const ok = await f.curl('/.well-known/est/plain/simpleenroll', ['-H', 'Content-Type: Application/PKCS10; charset=us-ascii', '-u', `sensor-00a1:${secret}`, '--data-binary', `@${body}`]);
    assert.equal(ok.status, 200);
  });

  it('a PEM body is accepted', async () => {
    const secret = await f.secret('plain', 'sensor-00a2');
    const csr = await f.opensslCsr('a2', '/CN=sensor-00a2');
    const r = await f.curl('/.well-known/est/plain/simpleenroll', [...pkcs10, '-u', `sensor-00a2:${secret}`, '--data-binary', `@${f.file('a2.pem', csr.csrPem)}`]);
    assert.equal(r.status, 200);
  });

  it('400 REQUEST_INVALID for a body that is not base64, 400 BAD_DER for base64 that is not a CSR; the secret stays unspent', async () => {
    const secret = await f.secret('plain', 'sensor-00a3');
    const before = await issuedCount();
    const notB64 = await f.curl('/.well-known/est/plain/simpleenroll', [...pkcs10, '-u', `sensor-00a3:${secret}`, '--data-binary', 'this is not base64!']);
    assert.deepEqual([notB64.status, notB64.body.toString()], [400, 'REQUEST_INVALID: the request is invalid\n']);
    const notDer = await f.curl('/.well-known/est/plain/simpleenroll', [...pkcs10, '-u', `sensor-00a3:${secret}`, '--data-binary', Buffer.from('hello world').toString('base64')]);
    assert.deepEqual([notDer.status, notDer.body.toString()], [400, 'BAD_DER: DER encoding is malformed\n']);
    assert.equal((await lastAudit()).code, 'BAD_DER');
    assert.equal(await issuedCount(), before);
    const ok = await f.curl('/.well-known/est/plain/simpleenroll', [...pkcs10, '-u', `sensor-00a3:${secret}`, '--data-binary', `@${f.file('a3.b64', await csrB64('sensor-00a3'))}`]);
    assert.equal(ok.status, 200);
  });

  it('413 INPUT_TOO_LARGE for a body over the limit', async () => {
    const r = await f.curl('/.well-known/est/plain/simpleenroll', [...pkcs10, '--data-binary', `@${f.file('big.b64', 'A'.repeat(200_000))}`]);
    assert.deepEqual([r.status, r.body.toString()], [413, 'INPUT_TOO_LARGE: input exceeds the size limit\n']);
  });

  it('404 for an unknown group or operation, 405 for the wrong method; EST is not on the plain HTTP listener', async () => {
    const nogroup = await f.curl('/.well-known/est/nosuch/simpleenroll', [...pkcs10, '--data-binary', await csrB64('x')]);
    assert.deepEqual([nogroup.status, nogroup.body.toString()], [404, 'ENROLLMENT_GROUP_NOT_FOUND: no such enrollment group\n']);
    const noop = await f.curl('/.well-known/est/plain/enroll', []);
    assert.deepEqual([noop.status, noop.body.toString()], [404, 'NOT_FOUND: no such route\n']);
    const get = await f.curl('/.well-known/est/plain/simpleenroll', []);
    assert.equal(get.status, 405);
    assert.ok(get.rawHeaders.includes('Allow: POST'));
    const plain = await exec('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${f.server.url}/.well-known/est/plain/cacerts`]);
    assert.equal(plain.toString(), '404');
  });

  it('202 + Retry-After while manual approval waits; the same CSR after approval gets the certificate', async () => {
    const boot = await f.bootstrap('sensor-00b1');
    const body = f.file('b1.b64', await csrB64('sensor-00b1'));
    const args = [...pkcs10, '--cert', boot.cert, '--key', boot.key, '--data-binary', `@${body}`];
    const r = await f.curl('/.well-known/est/manual/simpleenroll', args);
    assert.equal(r.status, 202);
    assert.equal(r.header('Retry-After'), '90');
    assert.ok(r.rawHeaders.includes('Retry-After: 90'));
    const [pending] = await f.server.deployment.ca.listPendingEnrollments(SYSTEM_ACTOR, 'manual');
    await f.server.deployment.ca.approveEnrollment(SYSTEM_ACTOR, 'manual', pending!.id);
    const again = await f.curl('/.well-known/est/manual/simpleenroll', args);
    assert.equal(again.status, 200);
  });

  it('429 + Retry-After over the group rate limit', async () => {
    const body = await csrB64('sensor-00c1');
    const first = await f.curl('/.well-known/est/limited/simpleenroll', [...pkcs10, '--data-binary', body]);
    assert.equal(first.status, 401);
    const second = await f.curl('/.well-known/est/limited/simpleenroll', [...pkcs10, '--data-binary', body]);
    assert.equal(second.status, 429);
    assert.match(second.header('Retry-After') ?? '', /^[1-9][0-9]*$/);
    assert.equal(second.body.toString(), 'ENROLLMENT_RATE_LIMITED: too many enrollment requests for this group\n');
  });

  it('csrattrs: application/csrattrs asking for challengePassword when the group links PoP; 204 when nothing is asked', async () => {
    const r = await f.curl('/.well-known/est/linked/csrattrs', []);
    assert.equal(r.status, 200);
    assert.ok(r.rawHeaders.includes('Content-Type: application/csrattrs'));
    const attrs = parseCsrAttrs(Buffer.from(r.body.toString(), 'base64'));
    assert.deepEqual(attrs[0], { kind: 'oid', oid: '1.2.840.113549.1.9.7' });
    const none = await f.curl('/.well-known/est/csrattrs', []);
    assert.equal(none.status, 204);
    assert.equal(none.header('Content-Length'), undefined);
  });
});

/** One HTTP/1.1 request on a fresh TLS connection, the body built once the handshake is done. */
async function rawEnroll(version: 'TLSv1.2' | 'TLSv1.3', build: (socket: TLSSocket) => Promise<Buffer>, auth: string): Promise<{ head: string; body: string }> {
  const url = new URL(f.tlsUrl);
  const socket = connect({ host: url.hostname, port: Number(url.port), ca: f.rootPem, servername: 'localhost', minVersion: version, maxVersion: version });
  await new Promise<void>((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
  const body = (await build(socket)).toString('base64');
  socket.write(`POST /.well-known/est/linked/simpleenroll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs10\r\nAuthorization: ${auth}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  const chunks: Buffer[] = [];
  for await (const c of socket) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  return { head: text.slice(0, split), body: text.slice(split + 4) };
}

const linkedCsr = (cn: string, challengePassword: string): Promise<Buffer> =>
  buildCsr({ subject: parseNameString(`CN=${cn}`), challengePassword }, softwareSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));

describe('EST proof-of-possession linking (RFC 7030 3.5)', { timeout: 60_000 }, () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it('TLS 1.2: challengePassword = base64(tls-unique), the client Finished of a full handshake (RFC 5929 3.1)', async () => {
    const secret = await f.secret('linked', 'sensor-00d1');
    const r = await rawEnroll('TLSv1.2', (s) => linkedCsr('sensor-00d1', s.getFinished()!.toString('base64')), basic('sensor-00d1', secret));
    assert.match(r.head, /^HTTP\/1\.1 200 /);
    assert.match(r.head, /\r\nContent-Type: application\/pkcs7-mime; smime-type=certs-only\r\n/);
  });

  it('TLS 1.3: challengePassword = base64(tls-exporter) (RFC 9266)', async () => {
    const secret = await f.secret('linked', 'sensor-00d2');
    const r = await rawEnroll('TLSv1.3', (s) => linkedCsr('sensor-00d2', s.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)).toString('base64')), basic('sensor-00d2', secret));
    assert.match(r.head, /^HTTP\/1\.1 200 /);
  });

  it('a binding of another connection is CHANNEL_BINDING_MISMATCH (422), and nothing is issued', async () => {
    const secret = await f.secret('linked', 'sensor-00d3');
    const before = await issuedCount();
    const r = await rawEnroll('TLSv1.2', (s) => linkedCsr('sensor-00d3', s.getPeerFinished()!.toString('base64')), basic('sensor-00d3', secret));
    assert.match(r.head, /^HTTP\/1\.1 422 /);
    assert.equal(r.body, 'CHANNEL_BINDING_MISMATCH: the CSR challengePassword does not carry this TLS channel binding\n');
    assert.equal(await issuedCount(), before);
  });
});
