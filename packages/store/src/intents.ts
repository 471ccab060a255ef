/**
 * recordIntents: issuance cycle step 4 ("record intent, then sign", DESIGN.md), for a whole
 * batch in one transaction. This is the group-commit path of bulk issuance, so a batch costs
 * a fixed handful of statements, not a few per intent:
 *   1. lock the batch's CA rows (in name order, so two batches cannot deadlock);
 *   2. look up which serials are already spent;
 *   3. decide each outcome in order, as if the intents were recorded one by one;
 *   4. insert the recorded ones in multi-row INSERTs;
 *   5. add the number actually inserted to each CA's issued_count;
 *   6. index the inserted intents' attributes (certificate_attributes).
 */
import { ServiceError, type CertificateIntent, type IntentOutcome } from '@fleetpki/ca';
import { insertRows } from './batch-insert.js';
import { INTENT_COLUMNS, intentValues } from './certificate-row.js';
import { num, numOrNull, str } from './columns.js';
import type { Dialect, Row, SqlExecutor, SqlValue } from './driver.js';

const LOOKUP_CHUNK = 1000;

function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/** Certificates each CA may still issue in this transaction (Infinity without a quota). */
async function lockQuotas(tx: SqlExecutor, d: Dialect, caNames: readonly string[]): Promise<Map<string, number>> {
  const rows = await tx.all(
    `SELECT name, quota, issued_count FROM cas WHERE name IN (${placeholders(caNames.length)}) ORDER BY name${d.forUpdate}`, caNames);
  const left = new Map<string, number>();
  for (const r of rows) {
    const quota = numOrNull(r, 'quota');
    left.set(str(r, 'name'), quota === null ? Infinity : quota - num(r, 'issued_count'));
  }
  const missing = caNames.filter((n) => !left.has(n));
  if (missing.length > 0) throw new ServiceError('CA_NOT_FOUND', undefined, { names: missing });
  return left;
}

async function spentSerials(tx: SqlExecutor, serials: readonly string[]): Promise<Set<string>> {
  const spent = new Set<string>();
  for (let i = 0; i < serials.length; i += LOOKUP_CHUNK) {
    const chunk = serials.slice(i, i + LOOKUP_CHUNK);
    const rows = await tx.all(`SELECT serial FROM certificates WHERE serial IN (${placeholders(chunk.length)})`, chunk);
    for (const r of rows) spent.add(str(r, 'serial'));
  }
  return spent;
}

/** Step 3: an intent counts against its CA's quota only if it will be inserted. */
function decide(intents: readonly CertificateIntent[], left: Map<string, number>, spent: Set<string>): IntentOutcome[] {
  return intents.map((i) => {
    if (spent.has(i.serial)) return 'serial_taken';
    const remaining = left.get(i.caName) ?? 0;
    if (remaining <= 0) return 'quota_exceeded';
    left.set(i.caName, remaining - 1);
    spent.add(i.serial);
    return 'recorded';
  });
}

export async function recordIntentBatch(tx: SqlExecutor, d: Dialect, intents: readonly CertificateIntent[]): Promise<IntentOutcome[]> {
  if (intents.length === 0) return [];
  const left = await lockQuotas(tx, d, [...new Set(intents.map((i) => i.caName))].sort());
  const outcomes = decide(intents, left, await spentSerials(tx, intents.map((i) => i.serial)));
  const chosen = intents.filter((_, k) => outcomes[k] === 'recorded');
  // ON CONFLICT covers a serial that a concurrent transaction (another PostgreSQL client)
  // committed after step 2: it is reported taken and its quota slot is left unused, so the
  // quota can only be under-spent, never exceeded.
  const returned = await insertRows(tx, 'certificates', INTENT_COLUMNS, chosen.map(intentValues), 'ON CONFLICT (serial) DO NOTHING RETURNING id, serial');
  const inserted = new Set(returned.map((r) => str(r, 'serial')));
  const counts = new Map<string, number>();
  intents.forEach((i, k) => {
    if (outcomes[k] !== 'recorded') return;
    if (!inserted.has(i.serial)) { outcomes[k] = 'serial_taken'; return; }
    counts.set(i.caName, (counts.get(i.caName) ?? 0) + 1);
  });
  for (const [name, n] of counts) await tx.run('UPDATE cas SET issued_count = issued_count + ? WHERE name = ?', [n, name]);
  await insertAttributes(tx, chosen, returned);
  return outcomes;
}

/** Step 6: one (certificate_id, name, value) row per attribute of each inserted intent. */
async function insertAttributes(tx: SqlExecutor, chosen: readonly CertificateIntent[], returned: readonly Row[]): Promise<void> {
  const withAttributes = new Map(chosen.filter((i) => i.attributes && Object.keys(i.attributes).length > 0).map((i) => [i.serial, i.attributes!]));
  if (withAttributes.size === 0) return;
  const rows: SqlValue[][] = [];
  for (const r of returned) {
    const attributes = withAttributes.get(str(r, 'serial'));
    if (attributes) for (const [name, value] of Object.entries(attributes)) rows.push([num(r, 'id'), name, value]);
  }
  await insertRows(tx, 'certificate_attributes', ['certificate_id', 'name', 'value'], rows);
}
