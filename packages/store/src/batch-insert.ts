/**
 * Multi-row INSERT: one statement per chunk instead of one per row. On PostgreSQL that is
 * one round trip per chunk; on SQLite it saves the per-statement VM setup. Chunks keep the
 * parameter count far below both engines' limits (SQLite 32766, PostgreSQL 65535).
 */
import type { Row, SqlExecutor, SqlValue } from './driver.js';

const MAX_PARAMS_PER_STATEMENT = 8000;

function valuesClause(rowCount: number, columnCount: number): string {
  const tuple = `(${new Array<string>(columnCount).fill('?').join(', ')})`;
  return new Array<string>(rowCount).fill(tuple).join(', ');
}

/**
 * Inserts `rows` (each in `columns` order). `tail` is appended to every statement, e.g.
 * "ON CONFLICT (serial) DO NOTHING RETURNING serial"; the returned rows are concatenated.
 */
export async function insertRows(
  tx: SqlExecutor, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], tail = '',
): Promise<Row[]> {
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / columns.length));
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const returned: Row[] = [];
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const sql = `${head}${valuesClause(chunk.length, columns.length)}${tail === '' ? '' : ` ${tail}`}`;
    const params = chunk.flat();
    if (tail.includes('RETURNING')) returned.push(...(await tx.all(sql, params)));
    else await tx.run(sql, params);
  }
  return returned;
}
