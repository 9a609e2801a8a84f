/**
 * etl_runs: one row per load attempt. The row is written before the load's transaction starts
 * and marked succeeded inside it, by the swap (so success and the new tables commit together), or
 * failed from a separate statement (so the failure survives the rollback).
 */
import type pg from 'pg';
import type { PreviewReport } from '../etl/report';
import { quoteIdent } from './identifiers';

export async function startRun(client: pg.ClientBase, schema: string, report: Pick<PreviewReport, 'files' | 'runDate' | 'dateOrder' | 'options' | 'counts'>, meta: { source: string; appVersion?: string }): Promise<number> {
  const d = report.files.doctors;
  const a = report.files.appointments;
  const values: Record<string, unknown> = {
    source: meta.source,
    app_version: meta.appVersion ?? null,
    run_date: report.runDate,
    date_order: report.dateOrder.used,
    suspicious_policy: report.options.suspiciousPolicy,
    doctors_file: d.name,
    doctors_sheet: d.sheet,
    doctors_sha256: d.sha256,
    appointments_file: a.name,
    appointments_sheet: a.sheet,
    appointments_sha256: a.sha256,
    doctors_read: d.counts.read,
    doctors_kept: d.counts.kept,
    doctors_rejected: d.counts.rejected,
    doctors_repeated_headers: d.counts.repeatedHeaders,
    doctors_blank_rows: d.counts.blankRows,
    appointments_read: a.counts.read,
    appointments_kept: a.counts.kept,
    appointments_rejected: a.counts.rejected,
    appointments_repeated_headers: a.counts.repeatedHeaders,
    appointments_blank_rows: a.counts.blankRows,
    rejected: report.counts.rejected,
    duplicates: report.counts.duplicates,
    fixed: report.counts.fixed,
    placeholders: report.counts.placeholders,
    suspicious_dates: report.counts.suspicious_dates,
  };
  const columns = Object.keys(values);
  const { rows } = await client.query<{ run_id: string }>(
    `INSERT INTO ${quoteIdent(schema)}.etl_runs (${columns.join(', ')}, backend_pid)
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}, pg_backend_pid()) RETURNING run_id`,
    Object.values(values),
  );
  return Number(rows[0]?.run_id);
}

/**
 * The statement that marks a run succeeded, as text: it runs inside the swap's single round trip,
 * with the tables locked, where a parameterised statement would cost another one. Only integers
 * are interpolated.
 */
export function succeededStatement(schema: string, runId: number, loaded: { doctors: number; appointments: number }): string {
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new TypeError(`not an integer: ${n}`);
    return String(n);
  };
  return `UPDATE ${quoteIdent(schema)}.etl_runs SET outcome = 'succeeded', finished_at = clock_timestamp(), doctors_loaded = ${int(loaded.doctors)}, appointments_loaded = ${int(loaded.appointments)} WHERE run_id = ${int(runId)}`;
}

export async function failRun(client: pg.ClientBase, schema: string, runId: number, failure: { errorCode: string; error: string }): Promise<void> {
  await client.query(`UPDATE ${quoteIdent(schema)}.etl_runs SET outcome = 'failed', finished_at = clock_timestamp(), error_code = $2, error = $3 WHERE run_id = $1`, [
    runId,
    failure.errorCode,
    failure.error.slice(0, 2000),
  ]);
}

/**
 * A run still marked running whose database session no longer exists was interrupted (process
 * killed, server restarted) before it could record its end. A run waiting for the load lock in
 * another live session is left alone. Runs inside the load's transaction: if the load fails, this
 * is rolled back too and simply happens again next time.
 */
export async function markStaleRuns(client: pg.ClientBase, schema: string, currentRunId: number): Promise<void> {
  await client.query(
    `UPDATE ${quoteIdent(schema)}.etl_runs
        SET outcome = 'failed', finished_at = COALESCE(finished_at, clock_timestamp()), error_code = 'interrupted',
            error = 'The load stopped before it could finish (process or server stopped); its data was never committed.'
      WHERE outcome = 'running' AND run_id <> $1
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = backend_pid)`,
    [currentRunId],
  );
}

export interface RunRow {
  run_id: number;
  started_at: Date;
  finished_at: Date | null;
  outcome: 'running' | 'succeeded' | 'failed';
  error_code: string | null;
  error: string | null;
  [column: string]: unknown;
}

export async function listRuns(client: pg.ClientBase | pg.Pool, schema: string, limit = 100): Promise<RunRow[]> {
  const { rows } = await client.query(`SELECT * FROM ${quoteIdent(schema)}.etl_runs ORDER BY run_id DESC LIMIT $1`, [limit]);
  return rows.map((row: Record<string, unknown>) => ({ ...row, run_id: Number(row.run_id) }) as RunRow);
}
