/**
 * @fleetpki/store: the Store port of @fleetpki/ca over SQLite (embedded default) and
 * PostgreSQL, with one migration set and one contract suite for both.
 */
export { openStore, type StoreConfig } from './open.js';
export { SqlStore } from './sql-store.js';
export { MIGRATIONS, migrate, type Migration } from './migrations.js';
export { openSqliteDriver, type SqliteDriverOptions } from './sqlite-driver.js';
export { openPgDriver, type PgDriverOptions } from './pg-driver.js';
export type { Dialect, Row, SqlDriver, SqlExecutor, SqlValue } from './driver.js';
