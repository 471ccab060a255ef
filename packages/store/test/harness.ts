/**
 * What the contract suite needs from an engine: a fresh, migrated store per test, the raw
 * driver underneath it (to tamper with rows as an attacker with database access would),
 * and the config another process would use to open the same database.
 */
import type { SqlDriver, SqlStore, StoreConfig } from '../src/index.js';

export interface StoreHarness {
  readonly store: SqlStore;
  readonly raw: SqlDriver;
  /** Opens the same database for a second process (child_process workers). */
  readonly config: StoreConfig;
  /** A second store over the same database in this process, as another node would have. */
  openPeer(): Promise<SqlStore>;
  close(): Promise<void>;
}

export type OpenHarness = () => Promise<StoreHarness>;
