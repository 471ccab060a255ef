/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would be handed to other
 * queries). A dropped connection is re-opened with a growing delay; every (re)connection
 * wakes the listener once, because notifications sent while it was away are lost.
 */
import type pg from 'pg';

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const RETRY_MS = [100, 500, 2000, 5000];

export async function listenOn(newClient: () => pg.Client, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  if (!CHANNEL.test(channel)) throw new RangeError(`channel ${JSON.stringify(channel)} is not a plain identifier`);
  let client: pg.Client | null = null;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const c = newClient();
    c.on('notification', (n) => { if (n.channel === channel) onNotify(); });
    c.on('error', () => { void c.end().catch(() => {}); if (client === c) { client = null; schedule(); } });
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    if (stopped) { await c.end(); return; }
    client = c;
    attempt = 0;
    onNotify();
  };
  const schedule = (): void => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect().catch(() => { attempt++; schedule(); });
    }, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
    timer.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
