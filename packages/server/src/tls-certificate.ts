/**
 * The TLS listener's own certificate: issued by our default issuing CA under the
 * gateway-server profile on first start, its key encrypted at rest with the CA key
 * passphrase (like every other key), and re-issued when a third of its life is left or when
 * the configured names change. Files in the data folder:
 *   tls/server.crt.pem   the certificate, then the CA certificates below the root
 *   tls/server.key.pem   its PKCS#8 key, encrypted (PBES2)
 */
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { SYSTEM_ACTOR, type CertificateAuthority } from '@fleetpki/ca';
import { buildCsr, parseNameString, toPem, type GeneralName } from '@fleetpki/core';
import { softwareSigner } from '@fleetpki/keys';

export const SERVER_TLS_PROFILE = 'gateway-server';
/** Names in the certificate when none are configured: what a client on this machine dials. */
export const DEFAULT_TLS_NAMES: readonly string[] = Object.freeze(['localhost', '127.0.0.1']);

export interface ServerCredentials {
  readonly keyPem: string;
  /** The certificate and the CA certificates below the root, PEM. */
  readonly certPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface KeySeal {
  seal(key: KeyObject): string;
  open(pem: string): KeyObject;
}

export const tlsPaths = (dataDir: string): { dir: string; cert: string; key: string } => {
  const dir = join(dataDir, 'tls');
  return { dir, cert: join(dir, 'server.crt.pem'), key: join(dir, 'server.key.pem') };
};

/** SAN entries for `names`: IP addresses as iPAddress, the rest as dNSName; localhost is added when no DNS name is given (the profile requires one). */
export function subjectAltNamesOf(names: readonly string[]): GeneralName[] {
  const out: GeneralName[] = [...new Set(names)].map((n) => (isIP(n) ? { type: 'ip', value: n } : { type: 'dns', value: n.toLowerCase() }));
  if (!out.some((n) => n.type === 'dns')) out.unshift({ type: 'dns', value: 'localhost' });
  return out;
}

const sanText = (names: readonly GeneralName[]): string => names.map((n) => `${n.type}:${'value' in n ? String(n.value) : ''}`).sort().join(',');

/** The SANs of a node certificate, in our text form (node writes "DNS:a, IP Address:1.2.3.4"). */
function certificateSanText(x: X509Certificate): string {
  return (x.subjectAltName ?? '').split(', ').filter(Boolean).map((e) => {
    const [kind, ...rest] = e.split(':');
    return `${kind === 'DNS' ? 'dns' : kind === 'IP Address' ? 'ip' : kind}:${rest.join(':')}`;
  }).sort().join(',');
}

/** True when the credentials should be re-issued: a third of the life left, or other names. */
export function needsRenewal(c: ServerCredentials, names: readonly GeneralName[], now: Date): boolean {
  const x = new X509Certificate(c.certPem);
  const life = c.notAfter.getTime() - c.notBefore.getTime();
  return c.notAfter.getTime() - now.getTime() < life / 3 || certificateSanText(x) !== sanText(names);
}

function load(paths: ReturnType<typeof tlsPaths>, seal: KeySeal): ServerCredentials | null {
  if (!existsSync(paths.cert) || !existsSync(paths.key)) return null;
  const certPem = readFileSync(paths.cert, 'utf8');
  const x = new X509Certificate(certPem);
  // Decrypting proves the passphrase still opens it; the PEM stays as node's TLS wants it.
  const keyPem = seal.open(readFileSync(paths.key, 'utf8')).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { keyPem, certPem, notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo) };
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

async function issue(ca: CertificateAuthority, names: readonly GeneralName[], paths: ReturnType<typeof tlsPaths>, seal: KeySeal): Promise<ServerCredentials> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cn = names.find((n) => n.type === 'dns')!.value as string;
  const csrDer = await buildCsr({ subject: parseNameString(`CN=${cn}`), subjectAltNames: names }, softwareSigner(privateKey));
  const issued = await ca.issueCertificate(SYSTEM_ACTOR, { csrDer, profile: SERVER_TLS_PROFILE, attributes: { role: 'fleetpki-tls-server' } });
  const below = issued.chainDer.filter((der) => { const x = new X509Certificate(der); return x.subject !== x.issuer; });
  const certPem = [issued.certificateDer, ...below].map((der) => toPem('CERTIFICATE', der)).join('');
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeAtomic(paths.key, seal.seal(privateKey));
  writeAtomic(paths.cert, certPem);
  const x = new X509Certificate(issued.certificateDer);
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, certPem, notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo) };
}

/** The current credentials, issuing new ones when there are none or they are due. */
export async function ensureServerCredentials(ca: CertificateAuthority, dataDir: string, names: readonly string[], seal: KeySeal): Promise<{ credentials: ServerCredentials; issued: boolean }> {
  const paths = tlsPaths(dataDir);
  const sans = subjectAltNamesOf(names);
  const current = load(paths, seal);
  if (current && !needsRenewal(current, sans, ca.deps.clock.now())) return { credentials: current, issued: false };
  return { credentials: await issue(ca, sans, paths, seal), issued: true };
}
