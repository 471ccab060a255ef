/**
 * The seam between the store and a database engine. SQL is written once, with `?`
 * placeholders; a driver rewrites it for its engine (PostgreSQL wants `$1..$n`) and
 * converts values at the boundary so rows look the same from both engines:
 * integers as numbers, bytes as Uint8Array, text as string.
 */

/** What a statement may bind. Dates are stored as integer milliseconds (see migrations.ts). */
export type SqlValue = string | number | Uint8Array | null;

export type Row = Readonly<Record<string, unknown>>;

export interface SqlExecutor {
  /** Runs a statement that returns rows (SELECT, or anything with RETURNING). */
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement for its effect; `changes` is the number of rows it touched. */
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

/**
 * The column types and clauses that differ between engines. Migrations and statements are
 * functions of this descriptor, so there is one migration set and one statement set.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** DER and other raw bytes. */
  readonly bytes: 'BLOB' | 'BYTEA';
  /** A surrogate key that grows with insertion order (keyset pagination relies on it). */
  readonly autoId: string;
  /** A 64-bit integer primary key supplied by the caller (the audit sequence number). */
  readonly int64Key: string;
  /**
   * Collation for columns searched by byte-wise prefix range (subject). SQLite's default
   * BINARY already compares UTF-8 bytes; PostgreSQL needs "C", or a locale collation would
   * make `subject >= p AND subject < succ(p)` miss or add rows.
   */
  readonly byteCollation: string;
  /** Row lock for read-then-write inside a transaction; SQLite's writer lock already serializes. */
  readonly forUpdate: string;
  /** The text aggregate, called as `f(expr, separator)`: group_concat on SQLite, string_agg on PostgreSQL. */
  readonly textAggregate: 'group_concat' | 'string_agg';
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: Dialect;
  /**
   * Runs `fn` in one write transaction: it commits when `fn` resolves and rolls back when
   * it rejects. Writers are serialized; statements of `fn` never interleave with another
   * caller's.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Lets the engine refresh planner statistics (cheap; safe to call at open). */
  optimize(): Promise<void>;
  /** Full statistics refresh (PostgreSQL: VACUUM ANALYZE), e.g. after a bulk load. */
  analyze(): Promise<void>;
  /**
   * Calls `onNotify` whenever any process commits a NOTIFY on `channel` (PostgreSQL), and
   * once after the listening connection is re-established (something may have been missed).
   * Returns how to stop, or null when the engine has no notifications (SQLite: poll).
   */
  listen(channel: string, onNotify: () => void): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

/**
 * Both drivers hand back Node Buffers for bytes; the port promises Uint8Array, and
 * `assert.deepStrictEqual` (and any prototype check) tells them apart. A view shares memory,
 * so this costs no copy.
 */
export function normalizeRow(row: Record<string, unknown>): Row {
  for (const key in row) {
    const v = row[key];
    if (Buffer.isBuffer(v)) row[key] = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return row;
}
