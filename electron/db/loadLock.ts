/**
 * Loads take turns: one advisory lock for all loads into any schema of the database, from any
 * machine (the app, the CLI, an older version of either). It is a session lock, held from before
 * the run is recorded until the replaced tables are gone, and released by the server if the
 * session dies. A load that finds it taken says who holds it and waits, polling, so it can be
 * cancelled while it waits and is never subject to a lock timeout meant for the swap.
 */
import type pg from 'pg';
import { CancelledError } from '../etl/errors';
import { quoteIdent } from './identifiers';

/** "HTET". Older versions take the same key per transaction; the two kinds exclude each other. */
export const LOAD_LOCK_KEY = 0x4854_4554;
const POLL_MS = 250;

/** The load being waited for, as far as etl_runs of this schema says (null fields: a load into another schema). */
export interface LoadHolder {
  runId: number | null;
  source: string | null;
  startedAt: string | null;
}

type Client = Pick<pg.ClientBase, 'query'>;

/**
 * Takes the load lock, waiting as long as another load holds it. `onWaiting` hears who holds it as
 * soon as this load starts waiting, and again whenever that changes (the other load records its
 * run a moment after it takes the lock, or a third load takes over).
 */
export async function acquireLoadLock(client: Client, schema: string, options: { signal?: AbortSignal; onWaiting?: (holder: LoadHolder) => void }): Promise<void> {
  let told: string | undefined;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LOAD_LOCK_KEY]);
    if (rows[0]?.locked) return;
    if (options.signal?.aborted) throw new CancelledError('Load cancelled while it waited for another load; nothing was changed.');
    const holder = await loadHolder(client, schema);
    if (JSON.stringify(holder) !== told) {
      told = JSON.stringify(holder);
      options.onWaiting?.(holder);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function releaseLoadLock(client: Client): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1)', [LOAD_LOCK_KEY]);
}

/** Who holds the load lock: its session, matched with the running run it recorded in this schema. */
export async function loadHolder(client: Client, schema: string): Promise<LoadHolder> {
  const { rows } = await client.query<{ run_id: string | null; source: string | null; started_at: Date | null }>(
    `WITH holder AS (
       SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1::bigint::oid AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
     SELECT r.run_id, r.source, r.started_at FROM holder h
       LEFT JOIN ${quoteIdent(schema)}.etl_runs r ON r.backend_pid = h.pid AND r.outcome = 'running'
      ORDER BY r.run_id DESC NULLS LAST LIMIT 1`,
    [LOAD_LOCK_KEY],
  ).catch(() => ({ rows: [] as { run_id: string | null; source: string | null; started_at: Date | null }[] }));
  const row = rows[0];
  return { runId: row?.run_id ? Number(row.run_id) : null, source: row?.source ?? null, startedAt: row?.started_at ? row.started_at.toISOString() : null };
}
