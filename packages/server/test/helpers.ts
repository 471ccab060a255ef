/**
 * Test fixture: a real deployment (SQLite, development hierarchy) in a temp folder,
 * served by buildApp and driven with inject(). CSRs come from openssl (the odd keys and
 * digests a defect needs) or from core's buildCsr (fast, for bulk).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { AuditEntry } from '@fleetpki/core';
import { buildCsr, parseNameString, toPem, type GeneralName } from '@fleetpki/core';
import { generatePrivateKey, softwareSigner } from '@fleetpki/keys';
import { buildApp, openDeployment, parseConfig, type Deployment } from '../src/index.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly deployment: Deployment;
  readonly dir: string;
  readonly adminToken: string;
  readonly admin: { authorization: string };
  close(): Promise<void>;
}

export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });

export async function openTestApp(options: { bodyBytes?: number; logStream?: DestinationStream } = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetpki-server-'));
  const config = parseConfig({
    dataDir: dir, listen: { port: 0 }, logLevel: options.logStream ? 'info' : 'silent',
    ...(options.bodyBytes ? { limits: { bodyBytes: options.bodyBytes } } : {}),
  });
  const deployment = await openDeployment({ config, env: {}, initialize: true });
  const app = await buildApp({ ca: deployment.ca, config, events: deployment.events, ...(options.logStream ? { logStream: options.logStream } : {}) });
  const adminToken = deployment.firstStart!.adminToken;
  return {
    app, deployment, dir, adminToken, admin: bearer(adminToken),
    close: async () => {
      await app.close();
      await deployment.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface OpensslCsrOptions {
  /** Arguments after -newkey, e.g. ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']. */
  readonly newkey?: readonly string[];
  readonly subject?: string;
  readonly addext?: readonly string[];
  readonly digest?: string;
}

let fileCounter = 0;

/** `openssl req -new` with a fresh key; returns the PEM request. */
export function opensslCsr(dir: string, o: OpensslCsrOptions = {}): string {
  const base = join(dir, `req-${++fileCounter}`);
  const [kind = 'ec', ...keyOpts] = o.newkey ?? ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const args = ['req', '-new', '-newkey', kind, ...keyOpts, '-nodes', '-keyout', `${base}.key`, '-subj', o.subject ?? '/CN=device', '-out', `${base}.csr`];
  for (const ext of o.addext ?? []) args.push('-addext', ext);
  if (o.digest) args.push(`-${o.digest}`);
  execFileSync('openssl', args, { stdio: 'pipe' });
  return readFileSync(`${base}.csr`, 'utf8');
}

/** A P-256 request built in-process (no openssl start-up), for tests that issue many. */
export async function quickCsr(subject: string, subjectAltNames: readonly GeneralName[] = []): Promise<string> {
  const der = await buildCsr({ subject: parseNameString(subject), subjectAltNames }, softwareSigner(generatePrivateKey('ecdsa-p256')));
  return toPem('CERTIFICATE REQUEST', der);
}

export function writeTemp(dir: string, name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `openssl verify` output for leaf against chain (issuing CA first, root last). */
export function opensslVerify(dir: string, leafPem: string, chain: readonly string[]): string {
  const root = writeTemp(dir, 'verify-root.pem', chain[chain.length - 1]!);
  const untrusted = writeTemp(dir, 'verify-untrusted.pem', chain.slice(0, -1).join(''));
  const leaf = writeTemp(dir, 'verify-leaf.pem', leafPem);
  return execFileSync('openssl', ['verify', '-CAfile', root, '-untrusted', untrusted, leaf], { encoding: 'utf8' });
}

export async function certificateCount(t: TestApp): Promise<number> {
  const page = await t.deployment.store.searchCertificates({ limit: 1000 });
  return page.items.length;
}

export async function auditEvents(t: TestApp): Promise<AuditEntry[]> {
  return t.deployment.store.readAudit(0, 10000);
}

/** JSON body of an inject() response as the API type the test expects. */
export function json<T>(r: { json(): unknown }): T {
  return r.json() as T;
}
