/**
 * SqlDriver over node-postgres: for deployments where several stateless server processes
 * share one database. A transaction runs on one checked-out client; cross-process ordering
 * (the audit chain head, CA quota counters) is taken with row locks by the statements
 * themselves (Dialect.forUpdate), so this driver needs no lock of its own.
 */
import pg from 'pg';
import { listenOn } from './pg-listen.js';
import { normalizeRow, type Dialect, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';

export const POSTGRES_DIALECT: Dialect = Object.freeze({
  name: 'postgres',
  bytes: 'BYTEA',
  autoId: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  int64Key: 'BIGINT PRIMARY KEY',
  byteCollation: ' COLLATE "C"',
  forUpdate: ' FOR UPDATE',
  textAggregate: 'string_agg',
});

export interface PgDriverOptions {
  readonly url: string;
  /** Schema for every table (created if missing); tests use a fresh one per run. */
  readonly schema?: string;
  readonly poolSize?: number;
}

const INT8_OID = 20;
/** A plain identifier, so it can go into search_path and DDL without quoting rules. */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * BIGINT columns hold milliseconds, counters and ids, all below 2^53; reading them as
 * numbers makes PostgreSQL rows look like SQLite rows. Anything larger is refused rather
 * than rounded.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} does not fit a JavaScript number`);
  return n;
}

const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

interface PgStatement { readonly text: string; readonly name: string | undefined }

/** `?` -> `$n`, skipping quoted literals and identifiers. Our statements carry no other `?`. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let quote: string | null = null;
  let out = '';
  for (const ch of sql) {
    if (quote !== null) { if (ch === quote) quote = null; out += ch; continue; }
    if (ch === "'" || ch === '"') { quote = ch; out += ch; continue; }
    out += ch === '?' ? `$${++n}` : ch;
  }
  return out;
}

class StatementNames {
  readonly #byText = new Map<string, PgStatement>();

  get(sql: string, params: readonly SqlValue[]): PgStatement {
    let s = this.#byText.get(sql);
    if (s === undefined) {
      // Named statements are parsed and planned once per connection; DDL stays unnamed.
      s = { text: toPgPlaceholders(sql), name: params.length > 0 ? `fleetpki_${this.#byText.size}` : undefined };
      this.#byText.set(sql, s);
    }
    return s;
  }
}

function executor(client: pg.Pool | pg.PoolClient, names: StatementNames): SqlExecutor {
  const query = async (sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult<Record<string, unknown>>> => {
    const s = names.get(sql, params);
    return client.query<Record<string, unknown>>({ text: s.text, values: params as SqlValue[], ...(s.name === undefined ? {} : { name: s.name }) });
  };
  return {
    all: async (sql, params = []) => (await query(sql, params)).rows.map(normalizeRow),
    run: async (sql, params = []) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
  };
}

class PgDriver implements SqlDriver {
  readonly dialect = POSTGRES_DIALECT;
  readonly #names = new StatementNames();
  readonly #pooled: SqlExecutor;

  constructor(private readonly pool: pg.Pool, private readonly newClient: () => pg.Client) {
    this.#pooled = executor(pool, this.#names);
  }

  all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> { return this.#pooled.all(sql, params); }
  run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> { return this.#pooled.run(sql, params); }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client, this.#names));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      // A client that cannot even roll back is dropped from the pool, not reused.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => { broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)); });
      throw e;
    } finally {
      client.release(broken);
    }
  }

  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> { return listenOn(this.newClient, channel, onNotify); }

  /** Autovacuum keeps statistics fresh on PostgreSQL. */
  async optimize(): Promise<void> {}

  /** VACUUM also sets the visibility map, without which index-only scans still read the heap. */
  async analyze(): Promise<void> { await this.pool.query('VACUUM (ANALYZE)'); }

  async close(): Promise<void> { await this.pool.end(); }
}

export async function openPgDriver(options: PgDriverOptions): Promise<SqlDriver> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_PATTERN.test(schema)) throw new RangeError(`schema name ${JSON.stringify(schema)} is not a plain lower-case identifier`);
  const connection = {
    connectionString: options.url,
    types: TYPES,
    // JIT compilation pays off for long analytic queries; for these short indexed ones it
    // only adds milliseconds whenever a cost estimate crosses jit_above_cost.
    options: `-c jit=off${schema === undefined ? '' : ` -c search_path=${schema}`}`,
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
  // An idle client's connection error would otherwise crash the process; the next query
  // on a fresh client reports the outage to its caller instead.
  pool.on('error', () => {});
  try {
    if (schema !== undefined) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    else await pool.query('SELECT 1');
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new PgDriver(pool, () => new pg.Client(connection));
}
