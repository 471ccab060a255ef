/** Contract: CAs and delegated signers (createCa, updateCa, getCa, listCas, putDelegatedSigner). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DelegatedSignerRecord } from '@fleetpki/ca';
import { at, caRecord, event } from './fixtures.js';
import type { OpenHarness, StoreHarness } from './harness.js';

export async function withHarness(open: OpenHarness, fn: (h: StoreHarness) => Promise<void>): Promise<void> {
  const h = await open();
  try { await fn(h); } finally { await h.close(); }
}

/** Rejects with a ServiceError of exactly this code. */
export async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.equal((e as { name?: unknown }).name, 'ServiceError');
    assert.equal((e as { code?: unknown }).code, code);
    return true;
  });
}

function signer(name: string, caName: string, overrides: Partial<DelegatedSignerRecord> = {}): DelegatedSignerRecord {
  return { name, purpose: 'ocsp', caName, certificateDer: new Uint8Array([0x30, 0x01, 0x07]), key: { kind: 'pkcs11', data: 'pkcs11:token=ocsp' }, createdAt: at(5), ...overrides };
}

export function casContract(open: OpenHarness): void {
  it('createCa then getCa returns every field as written', () => withHarness(open, async ({ store }) => {
    const ca = caRecord('issuing-1', { quota: 10, issuedCount: 3, csrDer: new Uint8Array([0x30, 0x00]) });
    await store.createCa(ca, [event('ca.create', { target: 'issuing-1' })]);
    assert.deepEqual(await store.getCa('issuing-1'), ca);
    const root = caRecord('root', { role: 'root', parent: null, key: null, chainDer: [], nameConstraints: null, attributes: {} });
    await store.createCa(root, []);
    assert.deepEqual(await store.getCa('root'), root);
    assert.equal(await store.getCa('absent'), null);
    assert.equal((await store.auditHead())?.seq, 1);
  }));

  it('createCa with a taken name throws CA_EXISTS and changes nothing, audit included', () => withHarness(open, async ({ store }) => {
    const first = caRecord('issuing-1');
    await store.createCa(first, [event('ca.create')]);
    const head = await store.auditHead();
    await rejectsWithCode(store.createCa(caRecord('issuing-1', { subject: 'CN=other' }), [event('ca.create')]), 'CA_EXISTS');
    assert.deepEqual(await store.getCa('issuing-1'), first);
    assert.deepEqual(await store.auditHead(), head);
  }));

  it('listCas returns all CAs ordered by name', () => withHarness(open, async ({ store }) => {
    for (const name of ['mfr-b', 'issuing-1', 'mfr-a']) await store.createCa(caRecord(name), []);
    assert.deepEqual((await store.listCas()).map((c) => c.name), ['issuing-1', 'mfr-a', 'mfr-b']);
  }));

  it('updateCa changes only the patched fields and appends its audit events', () => withHarness(open, async ({ store }) => {
    const ca = caRecord('issuing-1', { status: 'pending', certificateDer: null, chainDer: [] });
    await store.createCa(ca, []);
    const patch = { status: 'active', certificateDer: new Uint8Array([1, 2, 3]), chainDer: [new Uint8Array([4])], key: null } as const;
    await store.updateCa('issuing-1', patch, [event('ca.activate'), event('ca.update')]);
    assert.deepEqual(await store.getCa('issuing-1'), { ...ca, ...patch });
    assert.deepEqual((await store.readAudit(0, 10)).map((e) => e.action), ['ca.activate', 'ca.update']);
    await store.updateCa('issuing-1', { subject: 'CN=renamed', parent: 'root-2' }, []);
    assert.equal((await store.getCa('issuing-1'))?.subject, 'CN=renamed');
    assert.equal((await store.getCa('issuing-1'))?.parent, 'root-2');
    assert.equal((await store.getCa('issuing-1'))?.status, 'active');
    await store.updateCa('issuing-1', { parent: null, csrDer: new Uint8Array([7]) }, []);
    assert.deepEqual(await store.getCa('issuing-1'), { ...ca, ...patch, subject: 'CN=renamed', parent: null, csrDer: new Uint8Array([7]) });
  }));

  it('updateCa of an unknown CA throws CA_NOT_FOUND and appends nothing', () => withHarness(open, async ({ store }) => {
    await rejectsWithCode(store.updateCa('absent', { status: 'disabled' }, [event('ca.disable')]), 'CA_NOT_FOUND');
    await rejectsWithCode(store.updateCa('absent', {}, [event('ca.touch')]), 'CA_NOT_FOUND');
    assert.equal(await store.auditHead(), null);
  }));

  it('putDelegatedSigner inserts, replaces by name, and lists by CA', () => withHarness(open, async ({ store }) => {
    await store.createCa(caRecord('issuing-1'), []);
    await store.createCa(caRecord('issuing-2'), []);
    const a = signer('ocsp-1', 'issuing-1');
    await store.putDelegatedSigner(a, [event('ocsp.signer')]);
    await store.putDelegatedSigner(signer('ocsp-2', 'issuing-2'), []);
    const renewed = signer('ocsp-1', 'issuing-1', { certificateDer: new Uint8Array([9]), createdAt: at(99) });
    await store.putDelegatedSigner(renewed, []);
    assert.deepEqual(await store.listDelegatedSigners('issuing-1'), [renewed]);
    assert.deepEqual((await store.listDelegatedSigners()).map((s) => s.name), ['ocsp-1', 'ocsp-2']);
    assert.deepEqual(await store.listDelegatedSigners('absent'), []);
    assert.equal((await store.auditHead())?.seq, 1);
  }));

  it('putDelegatedSigner for an unknown CA throws CA_NOT_FOUND', () => withHarness(open, async ({ store }) => {
    await rejectsWithCode(store.putDelegatedSigner(signer('ocsp-1', 'absent'), [event('ocsp.signer')]), 'CA_NOT_FOUND');
    assert.deepEqual(await store.listDelegatedSigners(), []);
    assert.equal(await store.auditHead(), null);
  }));
}
