/** Read use cases: certificates by serial and by search, CAs. Authorized, never audited as changes. */
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CaRecord, CertificateQuery, CertificateRecord, Page } from '../ports/store.js';
import type { Actor } from '../auth/permissions.js';
import { authorizeAudited } from '../auth/authorize.js';

export interface CertificateView {
  readonly record: CertificateRecord;
  /** Issuer first, root last. */
  readonly chainDer: readonly Uint8Array[];
}

export const SERIAL_PATTERN = /^[0-9a-f]{1,42}$/;

export function normalizeSerial(serial: string): string {
  const s = serial.toLowerCase().replace(/:/g, '').replace(/^(00)+(?=.)/, '');
  if (!SERIAL_PATTERN.test(s)) throw new ServiceError('REQUEST_INVALID', 'serial must be hexadecimal', { serial });
  return s;
}

export async function caChain(deps: CaDeps, caName: string): Promise<Uint8Array[]> {
  const ca = await deps.store.getCa(caName);
  return ca?.certificateDer ? [ca.certificateDer, ...ca.chainDer] : [];
}

export async function getCertificate(deps: CaDeps, actor: Actor, serial: string): Promise<CertificateView> {
  await authorizeAudited(deps, actor, 'certificate.read', 'certificate.read', serial);
  const record = await deps.store.getCertificate(normalizeSerial(serial));
  if (!record) throw new ServiceError('CERTIFICATE_NOT_FOUND', `no certificate with serial ${serial}`);
  return { record, chainDer: await caChain(deps, record.caName) };
}

export async function searchCertificates(deps: CaDeps, actor: Actor, query: CertificateQuery): Promise<Page<CertificateRecord>> {
  await authorizeAudited(deps, actor, 'certificate.read', 'certificate.search');
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000) throw new ServiceError('REQUEST_INVALID', 'limit must be 1..1000');
  return deps.store.searchCertificates(query);
}

export async function listCas(deps: CaDeps, actor: Actor): Promise<CaRecord[]> {
  await authorizeAudited(deps, actor, 'ca.read', 'ca.read');
  return deps.store.listCas();
}

export async function getCa(deps: CaDeps, actor: Actor, name: string): Promise<CaRecord> {
  await authorizeAudited(deps, actor, 'ca.read', 'ca.read', name);
  const ca = await deps.store.getCa(name);
  if (!ca) throw new ServiceError('CA_NOT_FOUND', `no CA named ${name}`);
  return ca;
}
