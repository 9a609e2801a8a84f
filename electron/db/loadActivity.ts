/**
 * What the loaded tables hold and whether a newer load is under way, read from etl_runs: the live
 * run is the latest successful one (the swap marks a run succeeded in the commit that makes its
 * tables live), and a load is under way while its run says running and its session is alive.
 * Loads from any machine show, since they all write etl_runs before they build.
 */
import type pg from 'pg';
import type { LoadActivity } from '../../shared/contract';
import { quoteIdent } from './identifiers';
import { tableExists } from './runSummaries';

export async function readLoadActivity(client: pg.ClientBase | pg.Pool, schema: string): Promise<LoadActivity> {
  if (!(await tableExists(client, schema, 'etl_runs'))) return { schema, liveRunId: null, running: null };
  const s = quoteIdent(schema);
  const { rows } = await client.query<{ live: string | null; run_id: string | null; source: string | null; started_at: Date | null }>(
    `SELECT (SELECT max(run_id) FROM ${s}.etl_runs WHERE outcome = 'succeeded') AS live, r.run_id, r.source, r.started_at
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (
         SELECT run_id, source, started_at FROM ${s}.etl_runs
          WHERE outcome = 'running' AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = backend_pid)
          ORDER BY run_id DESC LIMIT 1) r ON true`,
  );
  const row = rows[0];
  return {
    schema,
    liveRunId: row?.live ? Number(row.live) : null,
    running: row?.run_id && row.started_at ? { runId: Number(row.run_id), source: row.source ?? '', startedAt: row.started_at.toISOString() } : null,
  };
}
