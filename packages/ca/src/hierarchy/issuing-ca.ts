/**
 * An online issuing CA whose certificate comes from the offline root:
 *   1. createIssuingCaRequest: the server makes the key (encrypted at rest) and a CSR;
 *      the CA is `pending`.
 *   2. the root ceremony signs the CSR offline (`fleetpki ca sign`).
 *   3. importCaCertificate: the certificate must hold the CA's key and chain to a
 *      self-signed root; the root is registered (without a key) and the CA turns active.
 */
import { buildCsr, certificateSha256, type KeyType, parseNameString, formatName } from '@fleetpki/core';
import { ServiceError } from '../errors.js';
import type { CaDeps } from '../context.js';
import type { CaRecord } from '../ports/store.js';
import type { Actor } from '../auth/permissions.js';
import { audited, authorize } from '../auth/authorize.js';
import { successEvent } from '../audit/audit-log.js';
import { checkCaChain } from './chain.js';
import { checkCaName, newCaRecord } from './ca-record.js';
import { DEFAULT_CA_SETTING } from '../issue/issue-certificate.js';
import { HIERARCHY_SETTING, PRODUCTION_HIERARCHY } from './settings.js';

export interface IssuingCaRequestInput {
  readonly name: string;
  readonly subject: string;
  readonly keyType: KeyType;
  readonly rsaPss?: boolean;
}

export async function createIssuingCaRequest(deps: CaDeps, actor: Actor, input: IssuingCaRequestInput): Promise<{ record: CaRecord; csrDer: Buffer }> {
  return audited(deps, actor, 'ca.create', input.name, async () => {
    authorize(actor, 'ca.manage');
    checkCaName(input.name);
    const subject = parseNameString(input.subject);
    const { key, signer } = await deps.keys.generate(input.keyType, input.rsaPss ? { rsaPss: true } : {});
    const csrDer = await buildCsr({ subject }, signer);
    const now = deps.clock.now();
    const record = newCaRecord({ name: input.name, role: 'issuing', status: 'pending', subject: formatName(subject), createdAt: now, csrDer, key });
    // Mark the store as holding a production hierarchy before its first CA, so that a
    // server start never mistakes it for an interrupted development hierarchy.
    if (!(await deps.store.getSetting(HIERARCHY_SETTING))) await deps.store.setSetting(HIERARCHY_SETTING, PRODUCTION_HIERARCHY);
    await deps.store.createCa(record, [successEvent(now, actor, 'ca.create', input.name, { role: 'issuing', status: 'pending', subject: record.subject })]);
    return { record, csrDer };
  });
}

/** The root CA record for `rootDer`: the existing one with the same certificate, or a new keyless one. */
async function ensureRoot(deps: CaDeps, actor: Actor, rootDer: Uint8Array, subject: string): Promise<string> {
  const sha = certificateSha256(rootDer);
  const existing = (await deps.store.listCas()).find((c) => c.role === 'root' && c.certificateDer && certificateSha256(c.certificateDer) === sha);
  if (existing) return existing.name;
  const name = `root-${sha.slice(0, 12)}`;
  const now = deps.clock.now();
  await deps.store.createCa(newCaRecord({ name, role: 'root', status: 'active', subject, createdAt: now, certificateDer: rootDer }),
    [successEvent(now, actor, 'ca.import', name, { role: 'root', sha256: sha })]);
  return name;
}

export interface ImportCaInput {
  readonly name: string;
  readonly certificateDer: Uint8Array;
  /** Issuer certificates up to and including the root. */
  readonly chainDer: readonly Uint8Array[];
}

export async function importCaCertificate(deps: CaDeps, actor: Actor, input: ImportCaInput): Promise<CaRecord> {
  return audited(deps, actor, 'ca.import', input.name, async () => {
    authorize(actor, 'ca.manage');
    const record = await deps.store.getCa(input.name);
    if (!record) throw new ServiceError('CA_NOT_FOUND', `no CA named ${input.name}`);
    if (record.status !== 'pending' || !record.key) throw new ServiceError('CA_NOT_ACTIVE', `CA ${input.name} is not waiting for a certificate`);
    const [cert, ...chain] = checkCaChain([input.certificateDer, ...input.chainDer]);
    const signer = await deps.keys.open(record.key);
    if (Buffer.compare(Buffer.from(cert!.publicKey.spki), Buffer.from(signer.publicKeyDer)) !== 0) {
      throw new ServiceError('CA_CERTIFICATE_MISMATCH', `the certificate's key is not the key of CA ${input.name}`);
    }
    if (!cert!.keyUsage?.includes('keyCertSign')) throw new ServiceError('CHAIN_INVALID', 'the CA certificate lacks keyCertSign (RFC 5280 4.2.1.3)');
    const root = chain[chain.length - 1]!;
    const rootName = await ensureRoot(deps, actor, root.der, formatName(root.subject));
    const now = deps.clock.now();
    const patch = {
      status: 'active' as const, certificateDer: input.certificateDer, chainDer: input.chainDer,
      subject: formatName(cert!.subject), parent: chain.length === 1 ? rootName : null,
    };
    await deps.store.updateCa(input.name, patch, [successEvent(now, actor, 'ca.import', input.name, {
      sha256: certificateSha256(input.certificateDer), root: rootName, notAfter: cert!.notAfter.toISOString(),
    })]);
    // The first CA imported becomes the default for requests that name none.
    if (!(await deps.store.getSetting(DEFAULT_CA_SETTING))) await deps.store.setSetting(DEFAULT_CA_SETTING, input.name);
    deps.events.publish({ type: 'ca.changed', caName: input.name });
    return { ...record, ...patch };
  });
}
