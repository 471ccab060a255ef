/**
 * SqlDriver over better-sqlite3: the embedded default.
 *
 * Two connections to one file. Writes go through one connection, one transaction at a time
 * (an async mutex, see mutex.ts; across processes, BEGIN IMMEDIATE takes SQLite's writer
 * lock up front so two writers never deadlock upgrading a read lock). Reads outside a
 * transaction go through a second, read-only connection: in WAL mode a reader sees the last
 * committed state and never waits for the writer.
 */
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Connection, Statement } from 'better-sqlite3';
import { normalizeRow, type Dialect, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';
import { Mutex } from './mutex.js';
import { BACKSTOP_CHECKPOINT_PAGES, DEFAULT_CHECKPOINT_PAGES, startCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';

export const SQLITE_DIALECT: Dialect = Object.freeze({
  name: 'sqlite',
  bytes: 'BLOB',
  // An INTEGER PRIMARY KEY is the rowid: insertion-ordered while rows are never deleted.
  autoId: 'INTEGER PRIMARY KEY',
  // Spelled exactly so, it is the rowid itself (64-bit), not a second index.
  int64Key: 'INTEGER PRIMARY KEY',
  byteCollation: '',
  forUpdate: '',
  textAggregate: 'group_concat',
});

export interface SqliteDriverOptions {
  /** A file path; ':memory:' works but then reads share the write connection. */
  readonly path: string;
  /** How long a statement waits for another process's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
  /** Checkpoint the WAL from a worker thread (sqlite-checkpointer.ts); default true for files. */
  readonly backgroundCheckpoint?: boolean;
}

/** Page cache per connection, in KiB (negative cache_size means KiB in SQLite). */
const CACHE_KIB = 65536;
/** Prepared statements kept per connection; SQL text is the key, so variants stay bounded. */
const MAX_CACHED_STATEMENTS = 2000;

function configure(db: Connection, busyTimeoutMs: number, writer: boolean): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
  if (!writer) return;
  // WAL: readers do not block the writer, and a commit is one append to the log.
  db.pragma('journal_mode = WAL');
  // synchronous=NORMAL in WAL mode fsyncs only at checkpoints. A committed transaction is in
  // the WAL file, i.e. in the OS page cache, before COMMIT returns, so it survives the
  // process being killed (SIGKILL, crash), which is our durability requirement. Only a
  // power loss or kernel crash may roll back the last transactions, and never corrupts the
  // database (https://www.sqlite.org/pragma.html#pragma_synchronous). FULL would add an
  // fsync per commit and cap group commit at the disk's flush rate.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // After a checkpoint has reset the WAL, cut the file back to this size (bytes).
  db.pragma('journal_size_limit = 67108864');
}

function toBindable(params: readonly SqlValue[]): unknown[] {
  // better-sqlite3 binds Buffers as BLOBs but rejects other Uint8Arrays.
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
}

class StatementCache {
  readonly #statements = new Map<string, Statement<unknown[], Record<string, unknown>>>();
  constructor(private readonly db: Connection) {}

  get(sql: string): Statement<unknown[], Record<string, unknown>> {
    let stmt = this.#statements.get(sql);
    if (stmt === undefined) {
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) this.#statements.clear();
      stmt = this.db.prepare<unknown[], Record<string, unknown>>(sql);
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }

  all(sql: string, params: readonly SqlValue[]): Row[] {
    return this.get(sql).all(toBindable(params)).map(normalizeRow);
  }

  run(sql: string, params: readonly SqlValue[]): { changes: number } {
    const stmt = this.get(sql);
    // DDL and PRAGMA may come back as readers; run() rejects those, so step through them.
    if (stmt.reader) { stmt.all(toBindable(params)); return { changes: 0 }; }
    return { changes: stmt.run(toBindable(params)).changes };
  }
}

/**
 * One writer mutex per database file in this process. Two drivers on one file (a CLI command
 * run inside a server's tests, say) would otherwise deadlock: better-sqlite3 waits for the
 * file lock synchronously (busy_timeout), so the transaction holding it could never resume.
 */
const writerMutexes = new Map<string, Mutex>();

function writerMutex(path: string): Mutex {
  const key = resolve(path);
  let m = writerMutexes.get(key);
  if (m === undefined) { m = new Mutex(); writerMutexes.set(key, m); }
  return m;
}

class SqliteDriver implements SqlDriver {
  readonly dialect = SQLITE_DIALECT;
  readonly #writes: StatementCache;
  #reads: StatementCache;

  constructor(
    private readonly writer: Connection, private reader: Connection, private readonly mutex: Mutex,
    private readonly checkpointer: SqliteCheckpointer | null = null,
    private readonly openReader: (() => Connection) | null = null,
  ) {
    this.#writes = new StatementCache(writer);
    this.#reads = reader === writer ? this.#writes : new StatementCache(reader);
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    if (this.reader === this.writer) return this.mutex.run(async () => this.#reads.all(sql, params));
    return this.#reads.all(sql, params);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<{ changes: number }> {
    return this.mutex.run(async () => this.#writes.run(sql, params));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      let open = true;
      const check = (): void => { if (!open) throw new Error('transaction executor used after the transaction ended'); };
      const tx: SqlExecutor = {
        all: async (sql, params = []) => { check(); return this.#writes.all(sql, params); },
        run: async (sql, params = []) => { check(); return this.#writes.run(sql, params); },
      };
      this.#writes.run('BEGIN IMMEDIATE', []);
      try {
        const result = await fn(tx);
        this.#writes.run('COMMIT', []);
        return result;
      } catch (e) {
        if (this.writer.inTransaction) this.#writes.run('ROLLBACK', []);
        throw e;
      } finally {
        open = false;
      }
    });
  }

  /** SQLite has no notifications across processes: readers poll. */
  async listen(): Promise<null> { return null; }

  async optimize(): Promise<void> {
    // 0x10002: analyze every table whose statistics are missing or stale, with SQLite's
    // built-in analysis limit, so it stays cheap enough to run at every open. 0x10003 only
    // lists what it would analyze (0x1 is its dry-run bit).
    const analyzed = await this.mutex.run(async (): Promise<boolean> => {
      if ((this.writer.pragma('optimize = 0x10003') as unknown[]).length === 0) return false;
      this.writer.pragma('optimize = 0x10002');
      return true;
    });
    if (analyzed) this.#refreshReader();
  }

  /**
   * A connection loads the planner statistics with the schema and keeps them: new ones
   * written by the writer's ANALYZE are not seen by the read connection, which on a
   * database that was empty when it opened goes on planning lookups as table scans (a
   * bulk load then turns quadratic). A fresh read connection loads the new statistics.
   */
  #refreshReader(): void {
    if (!this.openReader || this.reader === this.writer) return;
    const old = this.reader;
    this.reader = this.openReader();
    this.#reads = new StatementCache(this.reader);
    old.close();
  }

  async analyze(): Promise<void> {
    await this.mutex.run(async () => { this.writer.exec('ANALYZE'); });
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    await this.mutex.run(async () => {
      this.writer.pragma('optimize');
      if (this.reader !== this.writer) this.reader.close();
      this.writer.close();
    });
  }
}

export function openSqliteDriver(options: SqliteDriverOptions): SqlDriver {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const writer = new Database(options.path);
  configure(writer, busyTimeoutMs, true);
  if (options.path === ':memory:' || options.path === '') return new SqliteDriver(writer, writer, new Mutex());
  const openReader = (): Connection => {
    const reader = new Database(options.path, { readonly: true });
    configure(reader, busyTimeoutMs, false);
    return reader;
  };
  const reader = openReader();
  let checkpointer: SqliteCheckpointer | null = null;
  if (options.backgroundCheckpoint ?? true) {
    writer.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(options.path, busyTimeoutMs, () => {
      if (writer.open) writer.pragma(`wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES}`);
    });
  }
  return new SqliteDriver(writer, reader, writerMutex(options.path), checkpointer, openReader);
}
