/**
 * The third-party peers: OpenSSL and GnuTLS certtool, as a relying party would run them.
 * Nothing here parses certificates itself; the peers' own words are what tests assert on.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { run, toolOk, type Ran } from './run.js';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * GnuTLS comes from a Debian package that may be missing on a laptop. In CI its absence
 * is a failure; elsewhere the test is skipped, loudly, so nobody mistakes it for a pass.
 */
export function requireCerttool(t: TestContext): boolean {
  if (hasTool('certtool')) return true;
  const message = 'GnuTLS certtool is not installed (apt-get install gnutls-bin): GnuTLS interoperability NOT TESTED';
  if (process.env['CI'] === 'true') throw new Error(message);
  process.stderr.write(`\n!!! ${message}\n\n`);
  t.skip(message);
  return false;
}

/** `openssl verify -CAfile root -untrusted intermediates leaf`; intermediates may be empty. */
export function opensslVerify(root: string, intermediates: string | null, leaf: string, extra: readonly string[] = []): Promise<Ran> {
  return run('openssl', ['verify', '-CAfile', root, ...(intermediates ? ['-untrusted', intermediates] : []), ...extra, leaf]);
}

/**
 * GnuTLS path validation of `chainFile` (leaf first) against `root`. certtool 3.7
 * refuses `--verify-chain` together with `--load-ca-certificate` ("This option cannot be
 * combined with --load-ca-certificate"); `--verify` is the form that takes a trust anchor.
 */
export function certtoolVerify(root: string, chainFile: string, extra: readonly string[] = []): Promise<Ran> {
  return run('certtool', ['--verify', '--load-ca-certificate', root, '--infile', chainFile, ...extra]);
}

export async function x509Text(pemFile: string): Promise<string> {
  return (await toolOk('openssl', ['x509', '-in', pemFile, '-noout', '-text'])).stdout;
}

export async function makeKey(dir: string, name: string): Promise<string> {
  const path = join(dir, `${name}.key.pem`);
  await toolOk('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
  return path;
}

export interface CsrSpec {
  readonly subject: string;
  /** openssl -addext subjectAltName value, e.g. "DNS:x,URI:y". */
  readonly san?: string;
  /** IEEE 802.1AR hardwareModuleName (RFC 4108): hwType OID and hwSerialNum hex. */
  readonly hardwareModule?: { readonly hwType: string; readonly serialHex: string };
}

/** A CSR made by `openssl req`; the hardwareModuleName goes through a config section. */
export async function makeCsr(dir: string, name: string, key: string, spec: CsrSpec): Promise<string> {
  const path = join(dir, `${name}.csr.pem`);
  const args = ['req', '-new', '-key', key, '-subj', spec.subject, '-out', path];
  if (spec.hardwareModule) {
    const config = join(dir, `${name}.cnf`);
    writeFileSync(config, [
      '[req]', 'distinguished_name = dn', '[dn]',
      '[ext]', 'subjectAltName = otherName:1.3.6.1.5.5.7.8.4;SEQUENCE:hwmod',
      '[hwmod]', `hwType = OID:${spec.hardwareModule.hwType}`, `hwSerialNum = FORMAT:HEX,OCT:${spec.hardwareModule.serialHex}`, '',
    ].join('\n'));
    args.push('-config', config, '-reqexts', 'ext');
  } else if (spec.san) {
    args.push('-addext', `subjectAltName=${spec.san}`);
  }
  await toolOk('openssl', args);
  return path;
}

/** Splits a PEM bundle into files: returns the path of a bundle of all but the last (the root). */
export function withoutLast(pemBundle: string, out: string): string {
  const blocks = pemBundle.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  writeFileSync(out, blocks.slice(0, -1).join(''));
  return out;
}
