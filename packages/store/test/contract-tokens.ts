/** Contract: API tokens, settings, and re-running migrations. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ApiTokenRecord } from '@fleetpki/ca';
import { MIGRATIONS } from '../src/index.js';
import { at, caRecord, event, intent, T0 } from './fixtures.js';
import type { OpenHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';

function token(id: string, overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return { id, name: `token ${id}`, role: 'operator', tokenHash: id.repeat(64 / id.length), createdAt: T0, revokedAt: null, ...overrides };
}

export function tokensContract(open: OpenHarness): void {
  it('createApiToken, findApiTokenByHash and listApiTokens', () => withHarness(open, async ({ store }) => {
    const a = token('aa', { role: 'admin' });
    const b = token('bb', { createdAt: at(1) });
    await store.createApiToken(b, [event('token.create', { target: 'bb' })]);
    await store.createApiToken(a, []);
    assert.deepEqual(await store.findApiTokenByHash(a.tokenHash), a);
    assert.equal(await store.findApiTokenByHash('cc'.repeat(32)), null);
    assert.deepEqual(await store.listApiTokens(), [a, b]);
    assert.equal((await store.auditHead())?.seq, 1);
  }));

  it('createApiToken with a taken id fails and appends nothing', () => withHarness(open, async ({ store }) => {
    await store.createApiToken(token('aa'), []);
    await assert.rejects(store.createApiToken(token('aa', { tokenHash: 'dd'.repeat(32) }), [event('token.create')]));
    assert.equal(await store.auditHead(), null);
    assert.equal(await store.findApiTokenByHash('dd'.repeat(32)), null);
  }));

  it('revokeApiToken keeps the first revocation time; an unknown id throws TOKEN_NOT_FOUND', () => withHarness(open, async ({ store }) => {
    await store.createApiToken(token('aa'), []);
    await store.revokeApiToken('aa', at(60), [event('token.revoke', { target: 'aa' })]);
    await store.revokeApiToken('aa', at(120), [event('token.revoke', { target: 'aa' })]);
    assert.deepEqual((await store.findApiTokenByHash(token('aa').tokenHash))?.revokedAt, at(60));
    assert.equal((await store.auditHead())?.seq, 2);
    await rejectsWithCode(store.revokeApiToken('zz', at(60), [event('token.revoke')]), 'TOKEN_NOT_FOUND');
    assert.equal((await store.auditHead())?.seq, 2);
  }));

  it('settings: absent is null, set overwrites', () => withHarness(open, async ({ store }) => {
    assert.equal(await store.getSetting('crl.next'), null);
    await store.setSetting('crl.next', '1');
    await store.setSetting('crl.next', '2');
    await store.setSetting('other', '');
    assert.equal(await store.getSetting('crl.next'), '2');
    assert.equal(await store.getSetting('other'), '');
  }));

  it('migrate() again, from this or another connection, is harmless', () => withHarness(open, async ({ store, raw, openPeer }) => {
    await store.createCa(caRecord('issuing-1', { quota: 5 }), [event('ca.create')]);
    await store.recordIntents([intent('01')]);
    await store.migrate();
    await Promise.all([store.migrate(), openPeer().then((p) => p.close())]);
    const applied = await raw.all('SELECT id FROM schema_migrations ORDER BY id');
    assert.deepEqual(applied.map((r) => Number(r['id'])), MIGRATIONS.map((m) => m.id));
    assert.equal((await store.getCa('issuing-1'))?.issuedCount, 1);
    assert.equal((await store.getCertificate('01'))?.status, 'pending');
    assert.equal((await store.auditHead())?.seq, 1);
  }));
}
