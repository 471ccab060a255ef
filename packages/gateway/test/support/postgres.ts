/** The PostgreSQL server of the tests and the benchmark: is it there, and dropping a schema afterwards. */
import pg from 'pg';

export const PG_URL = process.env['FLEETPKI_TEST_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

/** Null when the server answers, else why not. */
export async function pgProblem(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try { await c.connect(); await c.query('SELECT 1'); return null; } catch (e) { return (e as Error).message; } finally { await c.end().catch(() => undefined); }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try { await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await admin.end(); }
}
