/**
 * `fleetpki audit verify` over a real flow, then over a database tampered with behind the
 * CA's back (the `sqlite3` shell, as an intruder with file access would): an edited event,
 * a deleted event and a cut tail are each found and named by sequence number.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteDriver } from '@fleetpki/store';
import { buildHierarchy, tempDir, type Hierarchy } from './support/hierarchy.js';
import { hasTool, makeCsr, makeKey } from './support/peers.js';
import { cli, cliOk, run } from './support/run.js';

/** Runs SQL on a data folder's database: with the sqlite3 shell when installed, else through the store's driver. */
async function sql(data: string, statement: string): Promise<string> {
  const db = join(data, 'fleetpki.db');
  if (hasTool('sqlite3')) {
    const r = await run('sqlite3', [db, statement]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }
  const driver = await openSqliteDriver({ path: db });
  try {
    const rows = await driver.all(statement);
    return rows.map((r) => Object.values(r).join('|')).join('\n');
  } finally {
    await driver.close();
  }
}

describe('audit verify', { timeout: 120_000 }, () => {
  let h: Hierarchy;
  let events: number;

  /** A copy of the data folder, so each tampering starts from the intact log. */
  function copy(name: string): string {
    const dir = join(h.dir, name);
    cpSync(h.data, dir, { recursive: true });
    return dir;
  }

  before(async () => {
    h = await buildHierarchy(tempDir('audit'));
    const csr = await makeCsr(h.dir, 'device', await makeKey(h.dir, 'device'), { subject: '/CN=Device a' });
    await cliOk(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'device-operational', '--ca', h.manufacturer, '--device-id', 'a1']);
    // A refusal is audited too.
    assert.equal((await cli(['cert', 'issue', '--data', h.data, '--csr', csr, '--profile', 'nope', '--ca', h.manufacturer])).code, 1);
    await cliOk(['token', 'create', '--data', h.data, '--name', 'auditor', '--role', 'auditor']);
    events = Number(await sql(h.data, 'SELECT count(*) FROM audit_events'));
  });
  after(() => { if (h) rmSync(h.dir, { recursive: true, force: true }); });

  it('passes after the flow, counting every event and naming the head hash', async () => {
    assert.ok(events >= 8, `only ${events} events`);
    const head = await sql(h.data, 'SELECT hash FROM audit_head');
    const r = await cliOk(['audit', 'verify', '--data', h.data]);
    assert.equal(r.stdout, `audit log verified: ${events} events, head ${head}\n`);
    const json = JSON.parse((await cliOk(['audit', 'verify', '--data', h.data, '--json'])).stdout) as { ok: boolean; count: number };
    assert.deepEqual([json.ok, json.count], [true, events]);
  });

  it('an edited event: exit 1 naming its sequence number and hash_mismatch', async () => {
    const data = copy('edited');
    await sql(data, `UPDATE audit_events SET detail = '{"role":"root","tampered":true}' WHERE seq = 3`);
    const r = await cli(['audit', 'verify', '--data', data]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error AUDIT_CHAIN_BROKEN: audit log broken at event 3: hash_mismatch: its content does not match its hash (the event was edited)\n');
  });

  it('a deleted middle event: exit 1 at the next sequence number with sequence_gap', async () => {
    const data = copy('deleted');
    await sql(data, 'DELETE FROM audit_events WHERE seq = 4');
    const r = await cli(['audit', 'verify', '--data', data, '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { ok: false, seq: 5, problem: 'sequence_gap' });
    assert.match(r.stderr, /^error AUDIT_CHAIN_BROKEN: audit log broken at event 5: sequence_gap: /);
  });

  it('a cut tail: exit 1 with head_mismatch', async () => {
    const data = copy('cut');
    await sql(data, `DELETE FROM audit_events WHERE seq = ${events}`);
    const r = await cli(['audit', 'verify', '--data', data]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error AUDIT_CHAIN_BROKEN: audit log broken at event ${events}: head_mismatch: `));
  });
});
