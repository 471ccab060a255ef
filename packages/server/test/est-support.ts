/**
 * Fixture for the EST peer tests: `fleetpki serve` in this process (HTTP and TLS on free
 * loopback ports, a fresh data folder), a manufacturer CA "cm1" whose IDevIDs are the
 * bootstrap certificates, and an EST client made of curl and openssl that behaves as
 * libest (base64 with line breaks, no Content-Transfer-Encoding, client certificate) or
 * globalsign/est (base64 on one line, Content-Transfer-Encoding: base64, Basic auth).
 * curl and openssl run asynchronously: the server answers from this same event loop.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SYSTEM_ACTOR, type EnrollmentGroupInput } from '@fleetpki/ca';
import { toPem } from '@fleetpki/core';
import { serve, type RunningServer } from '../src/main.js';

const run = promisify(execFile);

export interface Exec { readonly stdout: Buffer; readonly stderr: string }

export async function exec(cmd: string, args: readonly string[], input?: Buffer): Promise<Buffer> {
  const p = run(cmd, args, { encoding: 'buffer', timeout: 20_000, maxBuffer: 16 << 20 });
  if (input !== undefined) { p.child.stdin!.end(input); }
  return (await p).stdout;
}

export interface HttpAnswer {
  readonly status: number;
  /** Header lines as they came on the wire, name case preserved. */
  readonly rawHeaders: readonly string[];
  header(name: string): string | undefined;
  readonly body: Buffer;
}

export interface EstFixture {
  readonly dir: string;
  readonly server: RunningServer;
  readonly tlsUrl: string;
  readonly rootPem: string;
  readonly cm1Pem: string;
  /** A P-256 key and a PEM CSR made by openssl req; `der` is the DER form. */
  opensslCsr(name: string, subject: string): Promise<{ key: string; csrPem: string; der: Buffer }>;
  /** An IDevID from cm1 for `deviceId`: key file and certificate file (the IDevID then cm1). */
  bootstrap(deviceId: string): Promise<{ key: string; cert: string }>;
  group(input: Partial<EnrollmentGroupInput> & { label: string }): Promise<string>;
  secret(label: string, deviceId: string): Promise<string>;
  /** curl against the TLS listener; `args` are extra curl arguments. */
  curl(path: string, args: readonly string[]): Promise<HttpAnswer>;
  file(name: string, content: string | Buffer): string;
  close(): Promise<void>;
}

function parseCurl(headerText: string, body: Buffer): HttpAnswer {
  // With a 401 and then credentials, curl writes each response's headers; keep the last.
  const blocks = headerText.split(/\r\n\r\n/).filter((b) => b.startsWith('HTTP/'));
  const lines = blocks.at(-1)!.split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const rawHeaders = lines.slice(1).filter(Boolean);
  return {
    status, rawHeaders, body,
    header: (name) => rawHeaders.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim(),
  };
}

export async function openEst(): Promise<EstFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-est-'));
  const server = await serve({ data: join(dir, 'data'), listen: '127.0.0.1:0', listenTls: '127.0.0.1:0' }, {}, () => {});
  const ca = server.deployment.ca;
  const cm1 = await ca.createManufacturerCa(SYSTEM_ACTOR, {
    name: 'cm1', parent: 'dev-issuing', subject: 'CN=Contoso Manufacturing CA,O=Contoso', manufacturer: 'Contoso',
    namespace: 'cm1.devices.example.com', quota: null, keyType: 'ecdsa-p256',
  });
  const cm1Pem = toPem('CERTIFICATE', cm1.certificateDer!);
  const rootPem = readFileSync(join(dir, 'data', 'dev-root', 'root.crt.pem'), 'utf8');
  const token = readFileSync(join(dir, 'data', 'admin-token'), 'utf8').trim();
  const api = (path: string, json: unknown): Promise<HttpAnswer> => f.curl(path, ['-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(json)]);
  const file = (name: string, content: string | Buffer): string => { const p = join(dir, name); writeFileSync(p, content); return p; };
  const f: EstFixture = {
    dir, server, tlsUrl: server.tlsUrl!, rootPem, cm1Pem, file,
    async opensslCsr(name, subject) {
      const key = join(dir, `${name}.key`);
      const csrPem = (await exec('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', subject, '-keyout', key])).toString();
      const der = await exec('openssl', ['req', '-outform', 'DER'], Buffer.from(csrPem));
      return { key, csrPem, der };
    },
    async bootstrap(deviceId) {
      const { key, der } = await f.opensslCsr(`idevid-${deviceId}`, `/serialNumber=${deviceId}`);
      const r = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer: der, profile: 'device-idevid', caName: 'cm1' });
      const cert = file(`idevid-${deviceId}.pem`, toPem('CERTIFICATE', r.certificateDer) + cm1Pem);
      return { key, cert };
    },
    // Groups and secrets through the REST API, on the TLS listener (served there too by default).
    async group(input) {
      const r = await api('/api/v1/enrollment-groups', { profile: 'device-operational', anchors: [cm1Pem], deviceIdPattern: '^sensor-[0-9a-f]{4}$', ...input });
      if (r.status !== 201) throw new Error(`create group: ${r.status} ${r.body.toString()}`);
      return (JSON.parse(r.body.toString()) as { label: string }).label;
    },
    async secret(label, deviceId) {
      const r = await api(`/api/v1/enrollment-groups/${label}/secrets`, { deviceId });
      if (r.status !== 201 && r.status !== 200) throw new Error(`create secret: ${r.status} ${r.body.toString()}`);
      return (JSON.parse(r.body.toString()) as { secret: string }).secret;
    },
    async curl(path, args) {
      const headers = join(dir, `h-${Math.random().toString(36).slice(2)}`);
      const body = await exec('curl', ['-s', '--max-time', '15', '--cacert', join(dir, 'data', 'dev-root', 'root.crt.pem'), '-D', headers, ...args, `${f.tlsUrl}${path}`]);
      return parseCurl(readFileSync(headers, 'latin1'), body);
    },
    close: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); },
  };
  return f;
}

/** The certificates of a base64 certs-only answer, read by openssl (base64 -d, then pkcs7 -print_certs). */
export async function opensslPrintCerts(base64Body: Buffer): Promise<string[]> {
  const der = await exec('openssl', ['base64', '-d'], base64Body);
  const pem = (await exec('openssl', ['pkcs7', '-inform', 'DER', '-print_certs'], der)).toString();
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
}

/** A minimal RFC 2046 multipart reader: parts between `--boundary` lines, headers then a blank line. */
export function readMultipart(text: string, boundary: string): { headers: string[]; body: string }[] {
  const end = text.indexOf(`\r\n--${boundary}--`);
  assert.ok(end > 0, 'close delimiter');
  return text.slice(0, end).split(new RegExp(`(?:^|\\r\\n)--${boundary}\\r\\n`)).filter(Boolean).map((p) => {
    const [head, body] = [p.slice(0, p.indexOf('\r\n\r\n')), p.slice(p.indexOf('\r\n\r\n') + 4)];
    return { headers: head.split('\r\n'), body };
  });
}
