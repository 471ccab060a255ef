/**
 * The production hierarchy, made the way an operator makes it, every step a `fleetpki`
 * run: offline root -> issuing CA request -> offline signing -> import -> manufacturer CA.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliOk, PUBLIC_URL, type Ran } from './run.js';

export const NAMESPACE = 'cm1.devices.example.com';

export interface Hierarchy {
  readonly dir: string;
  readonly data: string;
  readonly rootDir: string;
  readonly rootCert: string;
  readonly issuingCsr: string;
  readonly issuingCert: string;
  readonly issuing: string;
  readonly manufacturer: string;
  /** What each step printed, for the tests that check it. */
  readonly steps: Readonly<Record<'initRoot' | 'request' | 'sign' | 'import' | 'manufacturer', Ran>>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fleetpki-cli-${prefix}-`));
}

export async function buildHierarchy(dir: string, options: { quota?: number } = {}): Promise<Hierarchy> {
  const data = join(dir, 'data');
  const rootDir = join(dir, 'root');
  const issuingCsr = join(dir, 'issuing-1.csr.pem');
  const issuingCert = join(dir, 'issuing-1.crt.pem');
  const initRoot = await cliOk(['ca', 'init-root', '--out', rootDir, '--subject', 'CN=Example Device Root,O=Example', '--validity', '20y']);
  const request = await cliOk(['ca', 'request', '--data', data, '--name', 'issuing-1', '--subject', 'CN=Example Issuing CA 1,O=Example', '--out', issuingCsr]);
  const sign = await cliOk(['ca', 'sign', '--root', rootDir, '--csr', issuingCsr, '--out', issuingCert, '--validity', '10y',
    '--crl-url', `${PUBLIC_URL}/crl/root.crl`, '--ca-issuers-url', `${PUBLIC_URL}/ca/root.crt`]);
  const imported = await cliOk(['ca', 'import', '--data', data, '--name', 'issuing-1', '--cert', issuingCert, '--chain', join(rootDir, 'root.crt.pem')]);
  const manufacturer = await cliOk(['ca', 'create-manufacturer', '--data', data, '--name', 'cm1', '--parent', 'issuing-1',
    '--subject', 'CN=Contoso Device CA,O=Example', '--manufacturer', 'Contoso', '--namespace', NAMESPACE,
    '--quota', String(options.quota ?? 100000), '--validity', '5y']);
  return {
    dir, data, rootDir, rootCert: join(rootDir, 'root.crt.pem'), issuingCsr, issuingCert, issuing: 'issuing-1', manufacturer: 'cm1',
    steps: { initRoot, request, sign, import: imported, manufacturer },
  };
}
