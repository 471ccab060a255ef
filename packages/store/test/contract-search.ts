/**
 * Contract: searchCertificates. Results are compared with a model (the same filters applied
 * to the intents in memory), walking every page, so a missing, repeated or misordered row
 * anywhere fails the test.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CertificateIntent, CertificateQuery, CertificateStatus, Store } from '@fleetpki/ca';
import { at, caRecord, intent, issued, serialOf } from './fixtures.js';
import type { OpenHarness } from './harness.js';
import { rejectsWithCode, withHarness } from './contract-cas.js';
import { pageStatement } from '../src/search-sql.js';

interface Seeded { readonly intent: CertificateIntent; readonly status: CertificateStatus; readonly order: number }

const SPECIAL_SUBJECTS = ['cn=dev-1,O=Lower', 'CN=dev-1\u00e9,O=Accent', 'CN=dev-1\u{10FFFF}x', 'CN=dev-2'];

function seedIntent(k: number): CertificateIntent {
  return intent(serialOf(k), {
    caName: k % 2 === 0 ? 'issuing-1' : 'issuing-2',
    profile: k % 5 === 0 ? 'gateway' : 'device',
    subject: SPECIAL_SUBJECTS[k - 40] ?? `CN=dev-${k},O=Fleet`,
    deviceId: k % 10 === 0 ? null : `dev-${k % 13}`,
    notAfter: at(1000 * (k % 7)),
  });
}

/** 44 certificates, one transaction each so their creation order is known; every third issued. */
async function seed(store: Store): Promise<Seeded[]> {
  await store.createCa(caRecord('issuing-1'), []);
  await store.createCa(caRecord('issuing-2'), []);
  const seeded: Seeded[] = [];
  for (let k = 0; k < 44; k++) {
    const i = seedIntent(k);
    assert.deepEqual(await store.recordIntents([i]), ['recorded']);
    if (k % 3 === 0) await store.recordIssued([issued(i.serial)], []);
    seeded.push({ intent: i, status: k % 3 === 0 ? 'issued' : 'pending', order: k });
  }
  return seeded;
}

function matches(s: Seeded, q: Omit<CertificateQuery, 'limit'>): boolean {
  const i = s.intent;
  return (q.caName === undefined || i.caName === q.caName) && (q.status === undefined || s.status === q.status)
    && (q.profile === undefined || i.profile === q.profile) && (q.subject === undefined || i.subject === q.subject)
    && (q.subjectPrefix === undefined || i.subject.startsWith(q.subjectPrefix))
    && (q.deviceId === undefined || i.deviceId === q.deviceId)
    && (q.expiresBefore === undefined || i.notAfter.getTime() < q.expiresBefore.getTime());
}

function model(seeded: readonly Seeded[], q: Omit<CertificateQuery, 'limit'>): string[] {
  const hits = seeded.filter((s) => matches(s, q));
  if (q.expiresBefore === undefined) hits.sort((a, b) => b.order - a.order);
  else hits.sort((a, b) => a.intent.notAfter.getTime() - b.intent.notAfter.getTime() || a.order - b.order);
  return hits.map((s) => s.intent.serial);
}

async function walk(store: Store, q: Omit<CertificateQuery, 'limit' | 'cursor'>, limit: number): Promise<string[]> {
  const serials: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.searchCertificates({ ...q, limit, ...(cursor === undefined ? {} : { cursor }) });
    assert.ok(page.items.length <= limit);
    serials.push(...page.items.map((c) => c.serial));
    if (page.nextCursor === null) return serials;
    assert.equal(page.items.length, limit, 'only the last page may be short');
    cursor = page.nextCursor;
  }
  throw new Error('pagination does not end');
}

const QUERIES: readonly Omit<CertificateQuery, 'limit'>[] = [
  {}, { caName: 'issuing-2' }, { status: 'issued' }, { status: 'revoked' }, { profile: 'gateway' },
  { subject: 'CN=dev-7,O=Fleet' }, { subjectPrefix: 'CN=dev-1' }, { subjectPrefix: 'cn=' }, { subjectPrefix: 'CN=dev-1\u{10FFFF}' },
  { subjectPrefix: 'CN=dev-1\u00e9' }, { deviceId: 'dev-3' }, { expiresBefore: at(3000) }, { caName: 'issuing-1', expiresBefore: at(5000) },
  { caName: 'issuing-1', status: 'pending', profile: 'device' }, { status: 'issued', expiresBefore: at(4000) },
  { subjectPrefix: 'CN=dev-', deviceId: 'dev-1', expiresBefore: at(7000) },
];

export function searchContract(open: OpenHarness): void {
  it('every filter and combination returns exactly the matching certificates, in order, over all pages', () => withHarness(open, async ({ store }) => {
    const seeded = await seed(store);
    for (const q of QUERIES) {
      const expected = model(seeded, q);
      for (const limit of [1, 3, 1000]) assert.deepEqual(await walk(store, q, limit), expected, `${JSON.stringify(q)} limit ${limit}`);
    }
    assert.equal(model(seeded, { subjectPrefix: 'CN=dev-1' }).length, 13, 'dev-1, dev-1x, the accented and the U+10FFFF subject');
  }));

  it('both routes for a subject prefix (sort the range, or walk the order) return the same rows', () => withHarness(open, async ({ store, raw }) => {
    const seeded = await seed(store);
    for (const q of QUERIES.filter((x) => x.subjectPrefix !== undefined)) {
      const order = q.expiresBefore === undefined ? 'newest' : 'expiry';
      const routes = await Promise.all([true, false].map(async (sortSubjectRange) => {
        const s = pageStatement({ query: { ...q, limit: 100 }, order, cursor: null, sortSubjectRange, rows: 100 });
        return (await raw.all(s.sql, s.params)).map((r) => r['serial']);
      }));
      assert.deepEqual(routes[0], model(seeded, q), JSON.stringify(q));
      assert.deepEqual(routes[1], model(seeded, q), JSON.stringify(q));
    }
  }));

  it('a page carries full records, and the last page has no cursor', () => withHarness(open, async ({ store }) => {
    const seeded = await seed(store);
    const page = await store.searchCertificates({ subject: 'CN=dev-3,O=Fleet', limit: 5 });
    assert.equal(page.nextCursor, null);
    assert.deepEqual(page.items, [{
      ...seeded[3]!.intent, status: 'issued', der: issued(serialOf(3)).der, sha256: 'ab'.repeat(32), issuedAt: issued(serialOf(3)).issuedAt,
      revokedAt: null, revocationReason: null, invalidityDate: null, crlShard: 0, attributes: {},
    }]);
  }));

  it('rows added while paging newest-first neither repeat nor shift the remaining pages', () => withHarness(open, async ({ store }) => {
    const seeded = await seed(store);
    const first = await store.searchCertificates({ limit: 10 });
    await store.recordIntents([intent('ee01'), intent('ee02')]);
    const serials = first.items.map((c) => c.serial);
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = await store.searchCertificates({ limit: 10, cursor });
      serials.push(...page.items.map((c) => c.serial));
      cursor = page.nextCursor;
    }
    assert.deepEqual(serials, model(seeded, {}));
  }));

  it('rejects a limit outside 1..1000, a malformed cursor, and a cursor from another order', () => withHarness(open, async ({ store }) => {
    await seed(store);
    for (const limit of [0, -1, 1001, 1.5, Number.NaN]) await rejectsWithCode(store.searchCertificates({ limit }), 'REQUEST_INVALID');
    for (const cursor of ['', 'not base64!', Buffer.from('[1]').toString('base64url'), Buffer.from('{"o":"n","i":"x"}').toString('base64url')]) {
      await rejectsWithCode(store.searchCertificates({ limit: 5, cursor }), 'REQUEST_INVALID');
    }
    const newest = (await store.searchCertificates({ limit: 5 })).nextCursor ?? '';
    await rejectsWithCode(store.searchCertificates({ limit: 5, cursor: newest, expiresBefore: at(9000) }), 'REQUEST_INVALID');
    await rejectsWithCode(store.searchCertificates({ limit: 5, expiresBefore: new Date(Number.NaN) }), 'REQUEST_INVALID');
    await rejectsWithCode(store.searchCertificates({ limit: 5, subjectPrefix: 'CN=\ud800' }), 'REQUEST_INVALID');
  }));
}
