/**
 * Every dashboard figure is read in its own short read-only transaction: nothing here can write,
 * and a slow query is stopped rather than left running.
 */
import type pg from 'pg';
import type { ServerLabel } from '../databaseErrors';
import { withClient } from '../withClient';

export interface DashboardDb {
  pool: pg.Pool;
  label: ServerLabel;
}

export async function readOnly<T>(db: DashboardDb, during: string, work: (client: pg.PoolClient) => Promise<T>, settings: string[] = []): Promise<T> {
  return withClient(db, during, async (client) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query("SET LOCAL statement_timeout = '30s'");
      for (const setting of settings) await client.query(`SET LOCAL ${setting}`);
      return await work(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  });
}

export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
export const rate = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Times a piece of work for the response's `ms` (what the benchmark and the UI report). */
export async function timed<T extends object>(work: () => Promise<T>): Promise<T & { ms: number }> {
  const started = performance.now();
  const value = await work();
  return { ...value, ms: Math.round(performance.now() - started) };
}
